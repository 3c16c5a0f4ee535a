/**
 * fromMongoQuery lifts a MongoDB filter into the language without changing its meaning:
 * - round trip: every generated condition's filter lifts to a condition whose filter is the same;
 * - meaning: generated filters in the liftable subset, lifted, answer on generated documents
 *   what MongoDB's rule (test/reference/mongo-rule.ts, written independently) answers for
 *   the original filter, under every server version, on the evaluator tiers (tiers.ts,
 *   MANY_RUN_TIERS);
 * - refusals: every part that cannot be lifted is named with its path in the filter.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileCondition,
  ConditionError,
  createSegmatch,
  fromMongoQuery,
  MONGO_VERSIONS,
  toMongoFilter,
  type Condition,
  type ConditionOptions,
} from "../src/index.js";
import { escapeRegex, END_OF_STRING } from "../src/language/regex.js";
import { conditionArb, docArb, NUMBERS, PATHS, STRINGS, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { mongoLeafMatches } from "./reference/mongo-rule.js";
import { refusal } from "./refusal.js";

/** The ConditionError `run` throws. */
function refusalError(run: () => unknown): ConditionError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConditionError);
    return error as ConditionError;
  }
  throw new Error("did not throw");
}
import { runs } from "./fc-setup.js";
import { expectTiers, itRanEveryTier, MANY_RUN_TIERS } from "./tiers.js";

const RUNS = runs(5_000);

describe("round trip: fromMongoQuery(compileCondition(c).filter) compiles to the same filter", () => {
  it.each([
    ["untyped, ids layout", conditionArb, undefined],
    ["typed catalog, records layout", typedConditionArb, { fields: TEST_CATALOG, topics: { layout: "records" } }],
    ["typed catalog, ids layout", typedConditionArb, { fields: TEST_CATALOG }],
  ] as const)("%s", (_name, arb, options) => {
    let lifted = 0;
    fc.assert(
      fc.property(arb, (condition) => {
        const filter = compileCondition(condition, options as ConditionOptions | undefined).filter;
        const back = fromMongoQuery(filter, options as ConditionOptions | undefined);
        expect(toMongoFilter(back, options as ConditionOptions | undefined)).toEqual(filter);
        lifted++;
      }),
      { numRuns: RUNS },
    );
    console.log(
      `fromMongoQuery round trip (${_name}): ${lifted} generated filters lifted and compiled back to the same filter`,
    );
  });
});

describe("round trip at the limits: a filter this library wrote lifts back, however long its values", () => {
  // Characters a regex escapes (NUL to four), so a value at maxStringLength writes a longer $regex.
  const heavy = (min: number) =>
    fc.string({ unit: fc.constantFrom(".", "\0", "$", "\\", "a", "(", "é"), minLength: min, maxLength: 4_096 });
  const longArb = fc.oneof(
    fc.record({
      field: fc.constantFrom("email", "label"),
      operator: fc.constantFrom("contains", "startsWith", "endsWith", "eq", "ne"),
      value: heavy(2_000),
    }),
    fc.record({ field: fc.constant("email"), operator: fc.constant("contains"), value: heavy(2_000) }).map((c) => ({
      $not: c,
    })),
    fc.record({
      field: fc.constant("email"),
      operator: fc.constantFrom("in", "nin"),
      value: fc.array(heavy(1_000), { minLength: 1, maxLength: 3 }),
    }),
  );
  it.each([
    ["ids layout", { fields: TEST_CATALOG }],
    ["records layout", { fields: TEST_CATALOG, topics: { layout: "records" } }],
  ] as const)("long strings full of regex syntax and NUL (%s)", (_name, options) => {
    fc.assert(
      fc.property(longArb, (condition) => {
        const filter = compileCondition(condition as Condition, options as ConditionOptions).filter;
        expect(toMongoFilter(fromMongoQuery(filter, options as ConditionOptions), options as ConditionOptions)).toEqual(
          filter,
        );
      }),
      { numRuns: runs(200) },
    );
  });

  it("the longest $regex: an endsWith of 4,096 NULs (four characters each, and the end anchor)", () => {
    const options: ConditionOptions = { fields: TEST_CATALOG };
    const condition = { field: "email", operator: "endsWith", value: "\0".repeat(4_096) } as const;
    const filter = compileCondition(condition, options).filter;
    expect(toMongoFilter(fromMongoQuery(filter, options), options)).toEqual(filter);
  });

  it("refuses long values a condition cannot hold after lifting them, naming the lifted condition in brief", () => {
    const error = refusalError(() => fromMongoQuery({ email: { $in: Array(100).fill("a".repeat(16_000)) } }));
    expect(error.issues[0]).toMatchObject({ code: "too_long" });
    expect(String((error.issues[0] as { lifted?: string }).lifted ?? "").length).toBeLessThanOrEqual(200);
  });

  it("an $or of 3,000 topic conditions in the records layout (more filter nodes than condition nodes)", () => {
    const options: ConditionOptions = { fields: TEST_CATALOG, topics: { layout: "records" } };
    const condition = {
      $or: Array.from({ length: 3_000 }, (_, i) =>
        i % 2 ? { subscribedToTopic: [`t${i}`] } : { notSubscribedToTopic: [`t${i}`] },
      ),
    };
    const filter = compileCondition(condition, options).filter;
    expect(toMongoFilter(fromMongoQuery(filter, options), options)).toEqual(filter);
  });

  it("a RegExp's source is bounded as a $regex string is: by length, and all of them together", () => {
    const codes = (filter: unknown) => {
      try {
        fromMongoQuery(filter);
      } catch (error) {
        return (error as ConditionError).issues.map((i) => [i.code, i.path, i.limit]);
      }
      return undefined;
    };
    expect(codes({ a: new RegExp(`^${"x".repeat(4 * 4_096 + 2)}`) })).toEqual([
      ["too_long", ["filter", "a"], "maxStringLength"],
    ]);
    // 300 sources of 16,000 characters (4,000 NULs, each written \\x00): the 251st passes 4 × maxTotalLength.
    const many = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`f${i}`, new RegExp("\\x00".repeat(4_000))]),
    );
    const issues = codes(many)!;
    expect(issues[0]).toEqual(["too_long", ["filter", "f250"], "maxTotalLength"]);
    expect(issues.every(([code, , limit]) => code === "too_long" && limit === "maxTotalLength")).toBe(true);
    expect(codes(Object.fromEntries(Object.entries(many).slice(0, 200)))).toBeUndefined();
  });

  it("a condition near maxTotalLength whose every character escapes in the $regex (and one over it, refused)", () => {
    // 240 contains of 4,096 dots: 983,040 characters of values, each written as "\\." in the filter.
    const condition = (n: number) => ({
      $or: Array.from({ length: n }, (_, i) => ({ field: `f${i}`, operator: "contains", value: ".".repeat(4_096) })),
    });
    const filter = toMongoFilter(condition(240));
    expect(JSON.stringify(filter).length).toBeGreaterThan(2_000_000);
    expect(toMongoFilter(fromMongoQuery(filter))).toEqual(filter);
    // A filter whose condition is over the limit lifts, and the lifted condition is refused by it.
    const over = toMongoFilter(condition(245), { limits: { maxTotalLength: 2_000_000 } });
    expect(() => fromMongoQuery(over)).toThrow(/more than 1000000 characters together \(limits.maxTotalLength\)/);
  });
});

/** A test of one path in MongoDB's syntax, the way people write filters (shorthand, RegExp, $not, several operators). */
const scalar = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS), fc.boolean());
const item = fc.oneof(fc.constantFrom(...STRINGS), fc.constantFrom(...NUMBERS));
// Literals a RegExp's source writes as they are (a newline would come back as "\n", which does not lift).
const literal = fc.constantFrom(...STRINGS.filter((s) => s !== "" && !s.includes("\n")));
const regex = literal.chain((lit) =>
  fc.constantFrom(escapeRegex(lit), `^${escapeRegex(lit)}`, `${escapeRegex(lit)}${END_OF_STRING}`),
);
const expressionArb: fc.Arbitrary<unknown> = fc.oneof(
  scalar,
  fc.constant(null),
  fc.record({ $eq: fc.oneof(scalar, fc.constant(null)) }),
  fc.record({ $ne: fc.oneof(scalar, fc.constant(null)) }),
  fc.constantFrom("$gt", "$gte", "$lt", "$lte").chain((op) => scalar.map((v) => ({ [op]: v }))),
  fc
    .constantFrom("$in", "$nin")
    .chain((op) => fc.array(item, { minLength: 1, maxLength: 3 }).map((v) => ({ [op]: v }))),
  regex.map((r) => ({ $regex: r })),
  regex.map((r) => ({ $regex: new RegExp(r) })),
  regex.map((r) => new RegExp(r)),
  fc.tuple(scalar, scalar).map(([a, b]) => ({ $gt: a, $lte: b })),
  fc
    .oneof(
      fc.record({ $gt: scalar }),
      fc.record({ $in: fc.array(item, { minLength: 1, maxLength: 2 }) }),
      fc.record({ $eq: fc.constant(null) }),
    )
    .map((e) => ({ $not: e })),
  regex.map((r) => ({ $not: new RegExp(r) })),
);
const fieldFilter = fc.dictionary(fc.constantFrom(...PATHS), expressionArb, { minKeys: 1, maxKeys: 2 });
const filterArb: fc.Arbitrary<Record<string, unknown>> = fc.letrec<{ filter: Record<string, unknown> }>((tie) => ({
  filter: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: fieldFilter },
    {
      weight: 2,
      arbitrary: fc
        .record(
          {
            $and: fc.array(tie("filter"), { minLength: 1, maxLength: 3 }),
            $or: fc.array(tie("filter"), { minLength: 1, maxLength: 3 }),
            $nor: fc.array(tie("filter"), { minLength: 1, maxLength: 3 }),
          },
          { requiredKeys: [] },
        )
        .filter((f) => Object.keys(f).length > 0),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fieldFilter, fc.array(tie("filter"), { minLength: 1, maxLength: 2 }))
        .map(([f, and]) => ({ ...f, $and: and })),
    },
  ),
})).filter;

/** MongoDB's answer for a filter, from the independent rule: `$and`/`$or`/`$nor`, and every operator of every field. */
function mongo(filter: Record<string, unknown>, doc: unknown, version: (typeof MONGO_VERSIONS)[number]): boolean {
  return Object.entries(filter).every(([key, value]) => {
    if (key === "$and") return (value as Record<string, unknown>[]).every((f) => mongo(f, doc, version));
    if (key === "$or") return (value as Record<string, unknown>[]).some((f) => mongo(f, doc, version));
    if (key === "$nor") return !(value as Record<string, unknown>[]).some((f) => mongo(f, doc, version));
    return fieldMatches(key, value, doc, version);
  });
}

function fieldMatches(
  path: string,
  expression: unknown,
  doc: unknown,
  version: (typeof MONGO_VERSIONS)[number],
): boolean {
  if (expression instanceof RegExp) return mongoLeafMatches(doc, path, "$regex", expression.source, version);
  const isOperators =
    typeof expression === "object" &&
    expression !== null &&
    !Array.isArray(expression) &&
    Object.keys(expression).every((k) => k.startsWith("$"));
  if (!isOperators) return mongoLeafMatches(doc, path, "$eq", expression, version);
  return Object.entries(expression as Record<string, unknown>).every(([op, operand]) => {
    if (op === "$not")
      return !fieldMatches(path, operand instanceof RegExp ? { $regex: operand.source } : operand, doc, version);
    if (op === "$regex")
      return mongoLeafMatches(doc, path, "$regex", operand instanceof RegExp ? operand.source : operand, version);
    return mongoLeafMatches(doc, path, op, operand, version);
  });
}

describe("meaning: a lifted filter answers what MongoDB answers for the filter", () => {
  it("on generated filters and documents, every server version", () => {
    let lifted = 0;
    let matched = 0;
    fc.assert(
      fc.property(
        filterArb,
        fc.array(docArb, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (filter, docs, version) => {
          const condition = fromMongoQuery(filter, { mongoVersion: version });
          lifted++;
          const expected = docs.map((doc) => mongo(filter, doc, version));
          matched += expected.filter(Boolean).length;
          expectTiers(
            condition,
            docs,
            expected,
            { mongoVersion: version },
            { tiers: MANY_RUN_TIERS, note: () => `lifted from the filter ${JSON.stringify(filter)}` },
          );
        },
      ),
      { numRuns: RUNS },
    );
    console.log(
      `fromMongoQuery meaning: ${lifted} generated filters lifted, ${matched} document matches agreed with MongoDB's rule`,
    );
  });
});

describe("fromMongoQuery, by example", () => {
  it.each([
    [{ country: "US" }, { field: "country", operator: "eq", value: "US" }],
    [{ country: { $eq: "US" } }, { field: "country", operator: "eq", value: "US" }],
    [
      { age: { $gte: 18, $lt: 65 } },
      {
        $and: [
          { field: "age", operator: "gte", value: 18 },
          { field: "age", operator: "lt", value: 65 },
        ],
      },
    ],
    [{ phone: null }, { field: "phone", operator: "exists", value: false }],
    [{ phone: { $ne: null } }, { field: "phone", operator: "exists", value: true }],
    [{ country: { $nin: ["FR", "DE"] } }, { field: "country", operator: "nin", value: ["FR", "DE"] }],
    [{ email: { $regex: "gmail\\.com" } }, { field: "email", operator: "contains", value: "gmail.com" }],
    [{ email: /^ada/ }, { field: "email", operator: "startsWith", value: "ada" }],
    [{ email: { $regex: `@acme\\.io${END_OF_STRING}` } }, { field: "email", operator: "endsWith", value: "@acme.io" }],
    [{ city: { $not: { $eq: "Paris" } } }, { $not: { field: "city", operator: "eq", value: "Paris" } }],
    [
      { $nor: [{ a: 1 }, { b: 2 }] },
      {
        $not: {
          $or: [
            { field: "a", operator: "eq", value: 1 },
            { field: "b", operator: "eq", value: 2 },
          ],
        },
      },
    ],
    [
      { a: 1, b: 2 },
      {
        $and: [
          { field: "a", operator: "eq", value: 1 },
          { field: "b", operator: "eq", value: 2 },
        ],
      },
    ],
    [
      { $or: [{ a: 1 }], $and: [{ b: 2 }], c: 3 },
      {
        $and: [
          { $or: [{ field: "a", operator: "eq", value: 1 }], $and: [{ field: "b", operator: "eq", value: 2 }] },
          { field: "c", operator: "eq", value: 3 },
        ],
      },
    ],
    [{ topics: { $in: ["news"], $nin: ["ads"] } }, { subscribedToTopic: ["news"], notSubscribedToTopic: ["ads"] }],
  ])("%j", (filter, condition) => {
    expect(fromMongoQuery(filter)).toEqual(condition);
  });

  it("maps storage paths back to catalog names, and Dates to ISO text", () => {
    const fields = {
      ltv: { type: "number", path: "properties.ltv" },
      joined: { type: "date", path: "properties.joined" },
    } as const;
    expect(
      fromMongoQuery(
        { "properties.ltv": { $gte: 300 }, "properties.joined": { $lt: new Date("2024-01-01T00:00:00Z") } },
        { fields },
      ),
    ).toEqual({
      $and: [
        { field: "ltv", operator: "gte", value: 300 },
        { field: "joined", operator: "lt", value: "2024-01-01T00:00:00.000Z" },
      ],
    });
    expect(
      createSegmatch({ fields, topics: { layout: "records" } }).fromMongoQuery({
        topics: { $elemMatch: { topicId: "news", status: "SUBSCRIBED" } },
      }),
    ).toEqual({ subscribedToTopic: ["news"] });
  });

  it("refuses every part it cannot lift, with its path in the filter", () => {
    expect(
      refusal(() =>
        fromMongoQuery({ a: { $exists: true }, $where: "1", b: { $size: 2 }, c: { $elemMatch: { x: 1 } } }),
      ),
    ).toEqual([
      ["not_liftable", ["filter", "a", "$exists"]],
      ["not_liftable", ["filter", "$where"]],
      ["not_liftable", ["filter", "b", "$size"]],
      ["not_liftable", ["filter", "c", "$elemMatch"]],
    ]);
    expect(refusal(() => fromMongoQuery({ a: { $regex: "a|b" } }))).toEqual([
      ["not_liftable", ["filter", "a", "$regex"]],
    ]);
    expect(refusal(() => fromMongoQuery({ a: { $regex: "abc$" } }))).toEqual([
      ["not_liftable", ["filter", "a", "$regex"]],
    ]);
    expect(refusal(() => fromMongoQuery({ a: /abc/i }))).toEqual([["not_liftable", ["filter", "a"]]]);
    // Only patterns written exactly as the lifted condition's filter writes them: the same text means the same on every value.
    for (const pattern of [`^x${END_OF_STRING}`, "\\x41", "a\\/b", "\\n", "a\u0000b"]) {
      expect(
        refusal(() => fromMongoQuery({ a: { $regex: pattern } })),
        pattern,
      ).toEqual([["not_liftable", ["filter", "a", "$regex"]]]);
    }
    expect(refusal(() => fromMongoQuery({ a: new RegExp(["x", "y"].join("\n")) }))).toEqual([
      ["not_liftable", ["filter", "a"]],
    ]);
    expect(refusal(() => fromMongoQuery({ a: { $regex: "x", $options: "i" } }))).toEqual([
      ["not_liftable", ["filter", "a", "$options"]],
    ]);
    expect(refusal(() => fromMongoQuery({ a: [1, 2] }))).toEqual([["invalid_value", ["filter", "a"]]]);
    expect(refusal(() => fromMongoQuery({ a: { $in: [1, null] } }))).toEqual([
      ["invalid_value", ["filter", "a", "$in", 1]],
    ]);
    expect(refusal(() => fromMongoQuery({ "a.$b": 1 }))).toEqual([["invalid_field", ["filter", "a.$b"]]]);
    expect(refusal(() => fromMongoQuery({ a: new Date(0) }))).toEqual([["invalid_value", ["filter", "a"]]]);
    expect(refusal(() => fromMongoQuery({}))).toEqual([["not_liftable", ["filter"]]]);
    expect(refusal(() => fromMongoQuery([]))).toEqual([["invalid_type", ["filter"]]]);
    const fields = { joined: { type: "date", path: "j" } } as const;
    expect(refusal(() => fromMongoQuery({ j: { $gt: "2024-01-01" } }, { fields }))).toEqual([
      ["invalid_value", ["filter", "j", "$gt"]],
    ]);
    expect(refusal(() => fromMongoQuery({ other: 1 }, { fields }))).toEqual([["unknown_field", ["filter", "other"]]]);
  });

  it("refuses a proxy of a RegExp or a Date, or one whose getters throw, with a ConditionError", () => {
    const fields = { joined: { type: "date", path: "j" } } as const;
    const throwing = Object.defineProperty(/abc/, "source", {
      get: () => {
        throw new Error("boom");
      },
    });
    expect(refusal(() => fromMongoQuery({ a: new Proxy(/abc/, {}) }))[0]![0]).toBe("unreadable_input");
    expect(refusal(() => fromMongoQuery({ j: { $gt: new Proxy(new Date(0), {}) } }, { fields }))[0]![0]).toBe(
      "unreadable_input",
    );
    expect(refusal(() => fromMongoQuery({ a: throwing }))[0]![0]).toBe("unreadable_input");
  });

  it("refuses a cyclic or unreadable filter with a path, like every entry point", () => {
    const cyclic: Record<string, unknown> = { $and: [] };
    (cyclic.$and as unknown[]).push(cyclic);
    expect(refusal(() => fromMongoQuery(cyclic))).toEqual([["cyclic_input", ["filter", "$and", 0]]]);
    const trap = {
      get a(): never {
        throw new Error("boom");
      },
    };
    expect(refusal(() => fromMongoQuery(trap))[0]![0]).toBe("unreadable_input");
  });
});

itRanEveryTier(MANY_RUN_TIERS);
