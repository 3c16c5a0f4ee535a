/**
 * conditionJsonSchema, checked with a real JSON Schema validator (ajv, draft 2020-12, strict):
 * every condition the parser accepts validates; every input the parser refuses for a reason a
 * schema can express is refused by the schema too (generated conditions, their mutations and
 * arbitrary JSON), untyped and with a catalog.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { conditionJsonSchema, createSegmatch, safeParseCondition, type ConditionOptions } from "../src/index.js";
import { conditionArb, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { runs } from "./fc-setup.js";

const RUNS = runs(3_000);

/** Refusals no JSON Schema can state: limits, Unicode well-formedness, the calendar. */
const INEXPRESSIBLE = new Set([
  "too_deep",
  "too_many_nodes",
  "too_many_items",
  "too_long",
  "invalid_string",
  "invalid_date",
]);

/** A condition with one value somewhere replaced by arbitrary JSON, or a key added or removed. */
function mutated(arb: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc
    .tuple(
      arb,
      fc.nat(),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom("replace", "add", "remove"),
      fc.constantFrom("field", "operator", "value", "$and", "$or", "$not", "subscribedToTopic", "extra"),
    )
    .map(([value, pick, json, how, key]) => {
      const copy = structuredClone(value) as unknown;
      const objects: Record<string, unknown>[] = [];
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (typeof v === "object" && v !== null) {
          objects.push(v as Record<string, unknown>);
          Object.values(v).forEach(walk);
        }
      };
      walk(copy);
      const target = objects[pick % Math.max(1, objects.length)];
      if (target) {
        const keys = Object.keys(target);
        if (how === "replace" && keys.length > 0) target[keys[pick % keys.length]!] = json;
        else if (how === "add") target[key] = json;
        else if (keys.length > 0) delete target[keys[pick % keys.length]!];
      }
      return copy;
    });
}

describe.each([
  ["untyped", conditionArb, undefined],
  ["with a catalog", typedConditionArb, { fields: TEST_CATALOG } as ConditionOptions],
] as const)("conditionJsonSchema %s", (_name, arb, options) => {
  const ajv = new Ajv2020({ strict: true, allErrors: false });
  const validate = ajv.compile(conditionJsonSchema(options));
  let refusedBoth = 0;

  it("accepts every condition the parser accepts", () => {
    fc.assert(
      fc.property(arb, (condition) => {
        expect(safeParseCondition(condition, options).success).toBe(true);
        expect(validate(condition), JSON.stringify(validate.errors)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses what the parser refuses, wherever a schema can say why (mutations and arbitrary JSON)", () => {
    fc.assert(
      fc.property(fc.oneof(mutated(arb), fc.jsonValue({ maxDepth: 3 })), (input) => {
        const parsed = safeParseCondition(input, options);
        const valid = validate(input);
        if (parsed.success) expect(valid, JSON.stringify(validate.errors)).toBe(true);
        else if (!parsed.error.issues.every((i) => INEXPRESSIBLE.has(i.code))) {
          expect(valid, `${JSON.stringify(input)} was refused by the parser: ${parsed.error.message}`).toBe(false);
          refusedBoth++;
        }
      }),
      { numRuns: RUNS },
    );
    expect(refusedBoth).toBeGreaterThan(RUNS / 4);
  });
});

describe("conditionJsonSchema, by example", () => {
  const ajv = new Ajv2020({ strict: true });
  const fields = {
    status: { type: "enum", values: ["A", "B"], label: "Status" },
    joined: { type: "date" },
    score: { type: "number" },
  } as const;
  const validate = ajv.compile(createSegmatch({ fields }).conditionJsonSchema());

  it.each([
    [{ field: "status", operator: "eq", value: "A" }, true],
    [{ field: "status", operator: "eq", value: "C" }, false],
    [{ field: "status", operator: "gt", value: "A" }, false],
    [{ field: "score", operator: "in", value: [1, 2] }, true],
    [{ field: "score", operator: "in", value: ["1"] }, false],
    [{ field: "joined", operator: "gte", value: "2024-01-31" }, true],
    [{ field: "joined", operator: "gte", value: "2024-01-31T10:00" }, false],
    [{ field: "joined", operator: "lt", value: 1706659200000 }, true],
    // Date math: a relative date on a date's range operators, refused elsewhere.
    [{ field: "joined", operator: "gte", value: "now-30d" }, true],
    [{ field: "joined", operator: "gt", value: "now" }, true],
    [{ field: "joined", operator: "lt", value: "now-1M/M" }, true],
    [{ field: "joined", operator: "lte", value: "now/d" }, true],
    [{ field: "joined", operator: "gte", value: "now+1w/w" }, true],
    [{ field: "joined", operator: "gte", value: "now-1y+2M-3d+4h-5m+6s" }, true],
    [{ field: "joined", operator: "gte", value: "now-1x" }, false],
    [{ field: "joined", operator: "gte", value: "now-30" }, false],
    [{ field: "joined", operator: "gte", value: "now/d/d" }, false],
    [{ field: "joined", operator: "gte", value: "now-1d/" }, false],
    [{ field: "joined", operator: "gte", value: "now-1234567890d" }, false],
    [{ field: "joined", operator: "gte", value: "now - 30d" }, false],
    [{ field: "joined", operator: "gte", value: "Now-30d" }, false],
    [{ field: "joined", operator: "gte", value: "now-30d\n" }, false],
    [{ field: "joined", operator: "eq", value: "now-30d" }, false],
    [{ field: "joined", operator: "ne", value: "now" }, false],
    [{ field: "joined", operator: "in", value: ["now-30d"] }, false],
    [{ field: "joined", operator: "nin", value: ["now/d"] }, false],
    [{ field: "score", operator: "gte", value: "now-30d" }, false],
    [{ field: "other", operator: "eq", value: 1 }, false],
    [{ field: "score", operator: "exists", value: true }, true],
    [{ field: "score", operator: "exists", value: "true" }, false],
    [{ subscribedToTopic: ["a"], notSubscribedToTopic: ["b"] }, true],
    [{ subscribedToTopic: [] }, false],
    [{ $and: [{ field: "score", operator: "eq", value: 1 }], $not: { subscribedToTopic: ["x"] } }, true],
    [{ $not: [{ subscribedToTopic: ["x"] }] }, false],
    [{}, false],
    [{ field: "score", operator: "eq", value: 1, $and: [] }, false],
  ])("%j: %s", (input, valid) => {
    expect(validate(input)).toBe(valid);
  });

  it("agrees with the parser on date math, wherever the parser refuses it for its syntax or its operator", () => {
    const token = fc.oneof(
      fc.constantFrom("+", "-", "/", "+1", "-30", "0", "d", "M", "m", "x", "y", " ", "now"),
      fc.tuple(fc.constantFrom("+", "-"), fc.nat({ max: 40 }), fc.constantFrom(..."yMwdhms")).map((t) => t.join("")),
    );
    const text = fc.array(token, { maxLength: 6 }).map((tokens) => `now${tokens.join("")}`);
    const seen = { accepted: 0, refused: 0 };
    fc.assert(
      fc.property(fc.constantFrom("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin"), text, (operator, value) => {
        const input = { field: "joined", operator, value: operator === "in" || operator === "nin" ? [value] : value };
        const parsed = safeParseCondition(input, { fields });
        // Too many steps or too far from now: the parser's limits, which the schema does not state.
        if (
          !parsed.success &&
          parsed.error.issues.every((i) => i.code === "invalid_date" && i.problem !== "date_math_syntax")
        )
          return;
        expect(validate(input), JSON.stringify(input)).toBe(parsed.success);
        seen[parsed.success ? "accepted" : "refused"]++;
      }),
      { numRuns: RUNS },
    );
    expect(seen.accepted).toBeGreaterThan(RUNS / 20);
    expect(seen.refused).toBeGreaterThan(RUNS / 4);
  });

  it("names fields by their catalog labels, and says what it cannot express", () => {
    const schema = conditionJsonSchema({ fields }) as {
      $defs: { field: { anyOf: { title?: string }[] } };
      description: string;
    };
    expect(schema.$defs.field.anyOf[0]!.title).toBe("Status");
    expect(schema.description).toContain("calendar rules");
    expect(schema.description).toContain("date math's limits (at most 32 steps, within 10,000 years of now)");
  });
});
