/**
 * The parser asks plain functions whether a leaf value is acceptable and runs zod only to
 * word the issues of a refused one: each function must give its zod schema's verdict on
 * every value, or the parser would accept what the schema refuses (or the reverse).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fieldNameAccepts, fieldNameSchema, topicListAccepts, topicListSchema, VALUE_ACCEPTS, VALUE_SCHEMAS } from "../src/parse/schema.js";
import { compileCondition } from "../src/index.js";

const RUNS = Number(process.env.FC_RUNS ?? 2_000);

/** Values near the edges of every schema: lone surrogates, NaN, ±Infinity, -0, empty strings and lists, nesting. */
const edgy = fc.oneof(
  fc.constantFrom("", "a", "\uD800", "a\uDFFF", "\u{1F600}", Number.NaN, Infinity, -Infinity, -0, 0, 1.5, true, false, null, undefined, [], [""], ["\uD800"], [Number.NaN], [1, "a"], [true], [[1]], {}, new Date(0)),
  fc.string({ unit: "binary", maxLength: 3 }),
  fc.array(fc.oneof(fc.string({ unit: "binary", maxLength: 2 }), fc.double(), fc.boolean(), fc.constant(null)), { maxLength: 3 }),
  fc.anything(),
);

describe("fast acceptance checks", () => {
  it("give each zod schema's verdict on every value", () => {
    fc.assert(
      fc.property(edgy, (value) => {
        for (const kind of Object.keys(VALUE_SCHEMAS) as (keyof typeof VALUE_SCHEMAS)[]) {
          expect(VALUE_ACCEPTS[kind](value), kind).toBe(VALUE_SCHEMAS[kind].safeParse(value).success);
        }
        expect(fieldNameAccepts(value)).toBe(fieldNameSchema.safeParse(value).success);
        expect(topicListAccepts(value)).toBe(topicListSchema.safeParse(value).success);
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
    expect([Object.isFrozen(c.filter), Object.isFrozen(and), Object.isFrozen(and[0]), Object.isFrozen(and[0]!.a), Object.isFrozen(and[1]!.topics!.$in)]).toEqual([true, true, true, true, true]);
  });

  it("writes its condition, filter and reads as JSON", () => {
    expect(JSON.parse(JSON.stringify(c))).toEqual({ condition: c.condition, filter: c.filter, fields: ["a"], topics: ["t1"] });
  });

  it("cannot be given new properties or have its own replaced", () => {
    expect(Object.isFrozen(c)).toBe(true);
    expect(() => Object.defineProperty(c, "filter", { value: {} })).toThrow(TypeError);
    expect(c.filter).toEqual({ $and: [{ a: { $eq: 1 } }, { topics: { $in: ["t1"] } }] });
  });
});
