/**
 * The recorded deviations of mingo from MongoDB, shown one by one, and the MongoDB rule
 * that replaces mingo there, pinned to MongoDB's own documented answers.
 */
import fc from "fast-check";
import { Query } from "mingo";
import { describe, expect, it } from "vitest";
import { compileCondition, type Condition } from "../src/index.js";
import { docArb, PATHS, STRINGS, NUMBERS } from "./arbitraries.js";
import { DEVIATIONS, deviationsFor } from "./reference/deviations.js";
import { mongoLeafMatches } from "./reference/mongo-rule.js";

describe.each(DEVIATIONS.map((d) => [d.id, d] as const))("deviation %s", (_id, deviation) => {
  const { filter, doc, mongo } = deviation.example;
  const [path, ops] = Object.entries(filter)[0]!;
  const [op, operand] = Object.entries(ops as Record<string, unknown>)[0]!;

  it("is real: mingo answers otherwise than MongoDB", () => {
    expect(new Query(filter).test(doc)).toBe(!mongo);
  });
  it("is covered by its own rule", () => {
    expect(deviation.applies({ path, op, operand }, doc)).toBe(true);
    expect(mongoLeafMatches(doc, path, op, operand)).toBe(mongo);
  });
  it("is answered the MongoDB way by the predicate", () => {
    const condition = toCondition(path, op, operand);
    expect(compileCondition(condition).filter).toEqual(filter);
    expect(compileCondition(condition).matches(doc)).toBe(mongo);
  });
});

function toCondition(field: string, op: string, value: unknown): Condition {
  const operator = { $eq: "eq", $gt: "gt", $gte: "gte", $lt: "lt", $lte: "lte", $in: "in", $regex: "contains" }[op]!;
  if (value === null) return { field, operator: "exists", value: false };
  return { field, operator, value } as Condition;
}

/**
 * MongoDB's answers for dotted paths through arrays (servers 6.0–8.0), from the server's
 * path iterator tests and jstests/core/query/null_query_semantics.js. Columns: filters;
 * rows: documents. In 9.0, SERVER-36681 flips the `a.b` null cells of D1, D4, D12, D16.
 */
const FILTERS = [
  ["a.b", "$eq", null], ["a.b", "$ne", null], ["a.b", "$eq", 1], ["a.b", "$ne", 1], ["a.b", "$in", [1]], ["a.b", "$nin", [1]],
  ["a.b", "$gt", 0], ["a.b", "$regex", "x"], ["a", "$eq", null], ["a.0", "$eq", 1], ["a.0.b", "$eq", 1], ["a.0", "$eq", null],
] as const;
const TABLE: [string, unknown, string][] = [
  ["D1", [1, 2], "FTFTFTFFFTFF"],
  ["D2", [{ c: 1 }], "TFFTFTFFFFFT"],
  ["D3", [{ b: 1 }, { c: 1 }], "TFTFTFTFFFTT"],
  ["D4", [], "FTFTFTFFFFFF"],
  ["D5", 1, "TFFTFTFFFFFT"],
  ["D6", [[{ b: 1 }]], "FTFTFTFFFFTF"],
  ["D7", [{ b: null }], "TFFTFTFFFFFT"],
  ["D8", [{ b: [1] }], "FTTFTFTFFFTT"],
  ["D9", [[1]], "FTFTFTFFFFFF"],
  ["D10", [{ 0: 1 }], "TFFTFTFFFTFF"],
  ["D11", { 0: 1 }, "TFFTFTFFFTFF"],
  ["D12", [null], "FTFTFTFFTFFT"],
  ["D13", null, "TFFTFTFFTFFT"],
  ["D14", [{ b: [null] }], "TFFTFTFFFFFT"],
  ["D15", undefined, "TFFTFTFFTFFT"],
  ["D16", [[]], "FTFTFTFFFFFF"],
  // `a.0` on an object without key "0" is missing, as on D5 and D13.
  ["D17", { b: [] }, "FTFTFTFFFFFT"],
];

describe("MongoDB's dotted-path rule", () => {
  const cells = TABLE.flatMap(([name, a, answers]) =>
    FILTERS.map(([path, op, operand], i) => [name, path, op, JSON.stringify(operand), a, answers[i] === "T"] as const),
  );
  it.each(cells)("%s: {%s: {%s: %s}}", (_name, path, op, operandText, a, expected) => {
    const doc = a === undefined ? {} : { a };
    const operand: unknown = JSON.parse(operandText);
    expect(mongoLeafMatches(doc, path, op, operand)).toBe(expected);
    const condition: Condition =
      op === "$eq" && operand === null ? { field: path, operator: "exists", value: false }
      : op === "$ne" && operand === null ? { field: path, operator: "exists", value: true }
      : ({ field: path, operator: { $eq: "eq", $ne: "ne", $in: "in", $nin: "nin", $gt: "gt", $regex: "contains" }[op], value: operand } as Condition);
    expect(compileCondition(condition).matches(doc)).toBe(expected);
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
      { numRuns: 5_000 },
    );
    expect(compared).toBeGreaterThan(2_000);
  });
});
