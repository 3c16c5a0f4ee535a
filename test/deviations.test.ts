/**
 * The recorded deviations of mingo from MongoDB, shown one by one, and the MongoDB rule
 * that replaces mingo there, pinned to MongoDB's own documented answers. The predicate's
 * answers are checked on every evaluator tier (tiers.ts), generated code included.
 */
import fc from "fast-check";
import { Aggregator, Query } from "mingo";
import { describe, expect, it } from "vitest";
import { compileCondition, type Condition } from "../src/index.js";
import { docArb, PATHS, STRINGS, NUMBERS } from "./arbitraries.js";
import { DEVIATIONS, deviationsFor, referenceAggregate } from "./reference/deviations.js";
import { mongoLeafMatches } from "./reference/mongo-rule.js";
import { runs } from "./fc-setup.js";
import { expectAllTiers, itRanEveryTier, TIERS } from "./tiers.js";

describe.each(DEVIATIONS.map((d) => [d.id, d] as const))("deviation %s", (_id, deviation) => {
  const { filter, doc, mongo, version } = deviation.example;
  const [path, ops] = Object.entries(filter)[0]!;
  const [op, operand] = Object.entries(ops as Record<string, unknown>)[0]!;

  it("is real: mingo answers otherwise than MongoDB", () => {
    expect(new Query(filter).test(doc)).toBe(!mongo);
  });
  it("is covered by its own rule", () => {
    expect(deviation.applies({ path, op, operand }, doc, version)).toBe(true);
    expect(mongoLeafMatches(doc, path, op, operand, version)).toBe(mongo);
  });
  it("is answered the MongoDB way by the predicate", () => {
    const condition = toCondition(path, op, operand);
    expect(compileCondition(condition, { mongoVersion: version }).filter).toEqual(filter);
    expectAllTiers(condition, doc, mongo, { mongoVersion: version });
  });
});

function toCondition(field: string, op: string, value: unknown): Condition {
  const operator = { $eq: "eq", $gt: "gt", $gte: "gte", $lt: "lt", $lte: "lte", $in: "in", $regex: "contains" }[op]!;
  if (value === null) return { field, operator: "exists", value: false };
  return { field, operator, value } as Condition;
}

/**
 * MongoDB's answers for dotted paths through arrays, from the server's path iterator tests
 * and jstests/core/query/null_query_semantics.js. Columns: filters; rows: documents, with
 * the answers of 6.0–8.0 and of 9.0, where SERVER-36681 flips the null cells of arrays the
 * path cannot descend through (empty, scalars, nested arrays): D1, D4, D6, D9, D12, D16.
 * 7.0 answers as 8.0 here (no cell holds undefined).
 */
const FILTERS = [
  ["a.b", "$eq", null],
  ["a.b", "$ne", null],
  ["a.b", "$eq", 1],
  ["a.b", "$ne", 1],
  ["a.b", "$in", [1]],
  ["a.b", "$nin", [1]],
  ["a.b", "$gt", 0],
  ["a.b", "$regex", "x"],
  ["a", "$eq", null],
  ["a.0", "$eq", 1],
  ["a.0.b", "$eq", 1],
  ["a.0", "$eq", null],
] as const;
const TABLE: [string, unknown, string, string][] = [
  //        a          8.0             9.0
  ["D1", [1, 2], "FTFTFTFFFTFF", "TFFTFTFFFTFF"],
  ["D2", [{ c: 1 }], "TFFTFTFFFFFT", "TFFTFTFFFFFT"],
  ["D3", [{ b: 1 }, { c: 1 }], "TFTFTFTFFFTT", "TFTFTFTFFFTT"],
  // 9.0: `a.0` on an empty array: the fresh array yields "missing" at its end (path.cpp, "An empty array, but we have more path").
  ["D4", [], "FTFTFTFFFFFF", "TFFTFTFFFFFT"],
  ["D5", 1, "TFFTFTFFFFFT", "TFFTFTFFFFFT"],
  ["D6", [[{ b: 1 }]], "FTFTFTFFFFTF", "TFFTFTFFFFTF"],
  ["D7", [{ b: null }], "TFFTFTFFFFFT", "TFFTFTFFFFFT"],
  ["D8", [{ b: [1] }], "FTTFTFTFFFTT", "FTTFTFTFFFTT"],
  ["D9", [[1]], "FTFTFTFFFFFF", "TFFTFTFFFFFF"],
  ["D10", [{ 0: 1 }], "TFFTFTFFFTFF", "TFFTFTFFFTFF"],
  ["D11", { 0: 1 }, "TFFTFTFFFTFF", "TFFTFTFFFTFF"],
  ["D12", [null], "FTFTFTFFTFFT", "TFFTFTFFTFFT"],
  ["D13", null, "TFFTFTFFTFFT", "TFFTFTFFTFFT"],
  ["D14", [{ b: [null] }], "TFFTFTFFFFFT", "TFFTFTFFFFFT"],
  ["D15", undefined, "TFFTFTFFTFFT", "TFFTFTFFTFFT"],
  ["D16", [[]], "FTFTFTFFFFFF", "TFFTFTFFFFFF"],
  // `a.0` on an object without key "0" is missing, as on D5 and D13.
  ["D17", { b: [] }, "FTFTFTFFFFFT", "FTFTFTFFFFFT"],
];

function conditionFor(path: string, op: string, operand: unknown): Condition {
  return op === "$eq" && operand === null
    ? { field: path, operator: "exists", value: false }
    : op === "$ne" && operand === null
      ? { field: path, operator: "exists", value: true }
      : ({
          field: path,
          operator: { $eq: "eq", $ne: "ne", $in: "in", $nin: "nin", $gt: "gt", $regex: "contains" }[op],
          value: operand,
        } as Condition);
}

describe("MongoDB's dotted-path rule", () => {
  const cells = TABLE.flatMap(([name, a, v80, v90]) =>
    (["7.0", "8.0", "9.0"] as const).flatMap((version) =>
      FILTERS.map(
        ([path, op, operand], i) =>
          [name, version, path, op, JSON.stringify(operand), a, (version === "9.0" ? v90 : v80)[i] === "T"] as const,
      ),
    ),
  );
  it.each(cells)("%s on %s: {%s: {%s: %s}}", (_name, version, path, op, operandText, a, expected) => {
    const doc = a === undefined ? {} : { a };
    const operand: unknown = JSON.parse(operandText);
    expect(mongoLeafMatches(doc, path, op, operand, version)).toBe(expected);
    expectAllTiers(conditionFor(path, op, operand), doc, expected, { mongoVersion: version });
  });
});

describe("the MongoDB rule agrees with mingo wherever no deviation is recorded", () => {
  it("on generated leaves and documents", () => {
    const leafArb = fc.record({
      path: fc.constantFrom(...PATHS),
      op: fc.constantFrom("$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin"),
      operand: fc.oneof(fc.constantFrom(...STRINGS, ...NUMBERS, true, false, null)),
    });
    let compared = 0;
    fc.assert(
      fc.property(leafArb, docArb, ({ path, op, operand }, doc) => {
        // segmatch emits null only in `$eq`/`$ne` (the exists operator).
        fc.pre(operand !== null || op === "$eq" || op === "$ne");
        const value = op === "$in" || op === "$nin" ? [operand] : operand;
        if (deviationsFor({ path, op, operand: value }, doc).length > 0) return;
        compared++;
        expect(mongoLeafMatches(doc, path, op, value)).toBe(new Query({ [path]: { [op]: value } }).test(doc));
      }),
      { numRuns: runs(5_000) },
    );
    expect(compared).toBeGreaterThan(runs(5_000) * 0.4);
  });
});

itRanEveryTier([...TIERS]);

describe("stage deviation count-of-nothing", () => {
  const pipeline = [{ $match: { a: 5 } }, { $count: "n" }];
  it("is real: mingo counts an empty input as {n: 0}", () => {
    expect(new Aggregator(pipeline).run([{ a: 1 }])).toEqual([{ n: 0 }]);
  });
  it("the reference answers as MongoDB: no document, inside $facet too", () => {
    expect(referenceAggregate(pipeline, [{ a: 1 }])).toEqual([]);
    expect(referenceAggregate(pipeline, [{ a: 5 }, { a: 5 }])).toEqual([{ n: 2 }]);
    expect(referenceAggregate([{ $facet: { x: pipeline } }], [{ a: 1 }])).toEqual([{ x: [] }]);
  });
});
