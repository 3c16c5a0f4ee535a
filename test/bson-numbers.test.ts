/**
 * Numeric BSON types compare by value, as MongoDB compares them: what the official driver
 * hands back for stored numbers (a `bigint` with `useBigInt64`, `Long` past 2^53, `Int32`
 * and `Double` wrappers with `promoteValues: false`, and `Decimal128` always). Every row
 * and every property run is checked on every evaluator tier (tiers.ts), generated code
 * included.
 */
import { Decimal128, deserialize, Double, Int32, Long, serialize } from "bson";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Condition } from "../src/index.js";
import { conditionArb, docArb } from "./arbitraries.js";
import { runs } from "./fc-setup.js";
import { agreedAnswers, expectAllTiers, itRanEveryTier } from "./tiers.js";

const dec = (s: string) => Decimal128.fromString(s);
const f = (field: string, operator: string, value: unknown) => ({ field, operator, value }) as Condition;

describe("numeric BSON values against number operands", () => {
  it.each([
    // MongoDB's manual ("Decimal BSON Type"): { val: 9.99 } finds the double, not NumberDecimal("9.99").
    ["a double operand is not the decimal with the same digits", f("v", "eq", 9.99), { v: dec("9.99") }, false],
    ["…but the double itself matches", f("v", "eq", 9.99), { v: 9.99 }, true],
    ["decimal 0.1 is below double 0.1 (0.1000000000000000055…)", f("v", "lt", 0.1), { v: dec("0.1") }, true],
    ["decimal 250.00 >= 100", f("v", "gte", 100), { v: dec("250.00") }, true],
    ["decimal 250.00 equals 250, so ne 250 fails", f("v", "ne", 250), { v: dec("250.00") }, false],
    ["decimal 1E+2 equals 100", f("v", "eq", 100), { v: dec("1E+2") }, true],
    ["decimal 1.5 equals 1.5 (exact in binary)", f("v", "in", [1.5, 7]), { v: dec("1.5") }, true],
    ["decimal -0 equals 0", f("v", "eq", 0), { v: dec("-0") }, true],
    ["decimal NaN never compares", f("v", "gte", 0), { v: dec("NaN") }, false],
    ["decimal NaN is not 0", f("v", "ne", 0), { v: dec("NaN") }, true],
    ["decimal Infinity is above every double", f("v", "gt", 1e308), { v: dec("Infinity") }, true],
    ["decimal -Infinity is below every double", f("v", "lt", -1e308), { v: dec("-Infinity") }, true],
    ["a tiny decimal is above 0", f("v", "gt", 0), { v: dec("1E-6176") }, true],
    ["bigint 5n equals 5", f("v", "eq", 5), { v: 5n }, true],
    ["bigint 5n is not 5.5", f("v", "eq", 5.5), { v: 5n }, false],
    [
      "Long 2^53+1 is above the double 2^53, exactly",
      f("v", "gt", 2 ** 53),
      { v: Long.fromString("9007199254740993") },
      true,
    ],
    ["Long 2^53+1 is not the double 2^53", f("v", "eq", 2 ** 53), { v: Long.fromString("9007199254740993") }, false],
    ["Int32 5 is in [5]", f("v", "in", [5]), { v: new Int32(5) }, true],
    ["Double 2.5 is below 3", f("v", "lt", 3), { v: new Double(2.5) }, true],
    ["an array of Longs matches by any element", f("v", "eq", 2), { v: [Long.fromInt(1), Long.fromInt(2)] }, true],
    ["a numeric type never equals a string", f("v", "eq", "5"), { v: Long.fromInt(5) }, false],
    ["nor is it in a list of strings", f("v", "in", ["5"]), { v: dec("5") }, false],
    ["nor does it contain text", f("v", "contains", "5"), { v: dec("5") }, false],
  ])("%s", (_name, condition, doc, expected) => {
    expectAllTiers(condition, doc, expected);
  });

  it("round-trips through the driver's BSON with every decoding option", () => {
    const stored = serialize({ a: 5, b: Long.fromString("9007199254740993"), c: dec("250.00"), d: 2.5 });
    const c = { $and: [f("a", "eq", 5), f("b", "gt", 2 ** 53), f("c", "gte", 250), f("d", "lt", 3)] };
    for (const options of [{}, { promoteValues: false }, { useBigInt64: true }, { promoteLongs: false }]) {
      expectAllTiers(c, deserialize(stored, options), true);
    }
  });
});

/** Replaces every number in a document by a numeric BSON value of the same value, chosen by `pick`. */
function rewrap(value: unknown, pick: () => number): unknown {
  if (typeof value === "number") {
    const choices: (() => unknown)[] = [
      () => new Double(value),
      () =>
        dec(
          Object.is(value, -0)
            ? "-0"
            : Number.isNaN(value)
              ? "NaN"
              : Number.isFinite(value)
                ? exactDecimal(value)
                : value > 0
                  ? "Infinity"
                  : "-Infinity",
        ),
    ];
    if (Number.isSafeInteger(value))
      choices.push(
        () => BigInt(value),
        () => Long.fromNumber(value),
      );
    if (Number.isInteger(value) && Math.abs(value) < 2 ** 31) choices.push(() => new Int32(value));
    return choices[pick() % choices.length]!();
  }
  if (Array.isArray(value)) return value.map((v) => rewrap(v, pick));
  if (typeof value === "object" && value !== null && !(value instanceof Date))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrap(v, pick)]));
  return value;
}

/** The pool's numbers are integers and halves, whose shortest text is their exact value. */
function exactDecimal(n: number): string {
  expect(Number.isInteger(n * 2)).toBe(true);
  return String(n);
}

describe("numeric BSON values compare by value (metamorphic property)", () => {
  it("wrapping every number of a document in another numeric type changes no answer", () => {
    fc.assert(
      fc.property(conditionArb, docArb, fc.infiniteStream(fc.nat()), (condition, doc, picks) => {
        const iterator = picks[Symbol.iterator]();
        // Every tier agrees on each document (Long, Decimal128, Int32, Double and bigint through generated code too)…
        const [plain, wrapped] = agreedAnswers(condition, [doc, rewrap(doc, () => iterator.next().value as number)]);
        // …and the answer is the same for both.
        expect(wrapped).toBe(plain);
      }),
      { numRuns: runs(5_000) },
    );
  });
});

itRanEveryTier();
