/**
 * The parser's own leaf checks (schema.ts) against the zod schemas of the same leaves
 * (zod-schemas.ts, from which the JSON Schema is generated): the same verdict on every value,
 * and the same failures (where, and whether a list or an id is empty), or the parser and
 * the published schema would disagree.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  fieldNameAccepts,
  fieldNameFailures,
  topicListAccepts,
  topicListFailures,
  valueFailures,
  VALUE_ACCEPTS,
  type Failure,
} from "../src/parse/schema.js";
import { leafSchemas } from "../src/parse/zod-schemas.js";
import type { ValueKind } from "../src/language/operators.js";
import { compileCondition } from "../src/index.js";
import { runs } from "./fc-setup.js";

const RUNS = runs(2_000);

/** Values near the edges of every schema: lone surrogates, NaN, ±Infinity, -0, empty strings and lists, nesting. */
const edgy = fc.oneof(
  fc.constantFrom(
    "",
    "a",
    "\uD800",
    "a\uDFFF",
    "\u{1F600}",
    Number.NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    1.5,
    true,
    false,
    null,
    undefined,
    [],
    [""],
    ["\uD800"],
    [Number.NaN],
    [1, "a"],
    [true],
    [[1]],
    {},
    new Date(0),
  ),
  fc.string({ unit: "binary", maxLength: 3 }),
  fc.array(fc.oneof(fc.string({ unit: "binary", maxLength: 2 }), fc.double(), fc.boolean(), fc.constant(null)), {
    maxLength: 3,
  }),
  fc.anything(),
);

describe("fast acceptance checks", () => {
  it("give each zod schema's verdict and failures on every value", () => {
    const schemas = leafSchemas();
    /** zod's issues as failures: the path, and whether the issue is "too small". */
    const zodFailures = (schema: (typeof schemas)["fieldName"], value: unknown): Failure[] => {
      const result = schema.safeParse(value);
      if (result.success) return [];
      // zod goes on checking a value of the wrong type ("" is also "too small" for a list): one failure per place.
      const wrongType = new Set(
        result.error.issues.filter((i) => i.code === "invalid_type").map((i) => JSON.stringify(i.path)),
      );
      return result.error.issues
        .filter((i) => i.code === "invalid_type" || !wrongType.has(JSON.stringify(i.path)))
        .map((i) => ({ path: i.path as number[], tooSmall: i.code === "too_small" }));
    };
    fc.assert(
      fc.property(edgy, (value) => {
        for (const kind of Object.keys(schemas.values) as ValueKind[]) {
          expect(VALUE_ACCEPTS[kind](value), kind).toBe(schemas.values[kind].safeParse(value).success);
          expect(valueFailures(kind, value), kind).toEqual(zodFailures(schemas.values[kind], value));
        }
        expect(fieldNameAccepts(value)).toBe(schemas.fieldName.safeParse(value).success);
        expect(fieldNameFailures(value)).toEqual(zodFailures(schemas.fieldName, value));
        expect(topicListAccepts(value)).toBe(schemas.topicList.safeParse(value).success);
        expect(topicListFailures(value)).toEqual(zodFailures(schemas.topicList, value));
      }),
      { numRuns: RUNS },
    );
  });

  it("refuse the edges the schemas refuse", () => {
    expect(VALUE_ACCEPTS.scalar(Number.NaN)).toBe(false);
    expect(VALUE_ACCEPTS.scalar("\uD800")).toBe(false);
    expect(VALUE_ACCEPTS.list([])).toBe(false);
    expect(VALUE_ACCEPTS.list([true])).toBe(false);
    expect(topicListAccepts([""])).toBe(false);
    expect(fieldNameAccepts("a\uDFFF")).toBe(false);
  });
});

describe("a compiled condition", () => {
  const c = compileCondition({ $and: [{ field: "a", operator: "eq", value: 1 }, { subscribedToTopic: ["t1"] }] });

  it("builds its filter once, deeply frozen", () => {
    expect(c.filter).toBe(c.filter);
    expect(c.filter).toEqual({ $and: [{ a: { $eq: 1 } }, { topics: { $in: ["t1"] } }] });
    const and = c.filter.$and as readonly Record<string, Record<string, unknown>>[];
    expect([
      Object.isFrozen(c.filter),
      Object.isFrozen(and),
      Object.isFrozen(and[0]),
      Object.isFrozen(and[0]!.a),
      Object.isFrozen(and[1]!.topics!.$in),
    ]).toEqual([true, true, true, true, true]);
  });

  it("writes its condition, filter and reads as JSON", () => {
    expect(JSON.parse(JSON.stringify(c))).toEqual({
      condition: c.condition,
      filter: c.filter,
      fields: ["a"],
      topics: ["t1"],
    });
  });

  it("cannot be given new properties or have its own replaced", () => {
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => Object.defineProperty(c, "filter", { value: {} })).toThrow(TypeError);
    expect(c.filter).toEqual({ $and: [{ a: { $eq: 1 } }, { topics: { $in: ["t1"] } }] });
  });
});
