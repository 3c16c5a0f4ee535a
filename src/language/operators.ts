/**
 * The one table of operator meanings that every compile target reads, so the MongoDB
 * filter and the in-memory predicate cannot drift apart.
 *
 * The language's twelve operators lower to six positive leaf tests plus a negation flag,
 * mirroring how MongoDB itself defines `$ne` as `$not $eq` and `$nin` as `$not $in`: a
 * negated test holds when *no* value at the path passes (missing fields included).
 */
import type { Operator, Scalar, ListItem } from "./condition.js";
import type { Semantics } from "./versions.js";
import { compareCodePoints, hasCodeUnitsAboveSurrogates } from "../runtime/string-order.js";
import { compareNumeric, mayBeOtherNumeric, numericIn, sortedNumbers } from "../runtime/numbers.js";
import { dateTime, isBsonSymbol } from "../runtime/bson.js";
import { MISSING, type ElementTest } from "../runtime/path.js";

/** The kinds of operand an operator takes. */
export type ValueKind = "scalar" | "list" | "string" | "boolean";

export type LeafTest = "eq" | "gt" | "gte" | "lt" | "lte" | "in" | "contains" | "startsWith" | "endsWith" | "null";

/** An operand as the AST holds it: typed fields turn date values into `Date`s. */
export type Operand = Scalar | Date | null | readonly (ListItem | Date)[];

export interface Lowered {
  readonly test: LeafTest;
  readonly negate: boolean;
  readonly value: Operand;
}

interface OperatorSpec {
  readonly value: ValueKind;
  readonly lower: (value: never) => Lowered;
}

const same = (test: LeafTest, negate = false) => (value: Exclude<Operand, null>): Lowered => ({ test, negate, value });

/** What each operator of the language takes and means. */
export const OPERATOR_SPECS: { readonly [K in Operator]: OperatorSpec } = {
  eq: { value: "scalar", lower: same("eq") },
  ne: { value: "scalar", lower: same("eq", true) },
  gt: { value: "scalar", lower: same("gt") },
  gte: { value: "scalar", lower: same("gte") },
  lt: { value: "scalar", lower: same("lt") },
  lte: { value: "scalar", lower: same("lte") },
  in: { value: "list", lower: same("in") },
  nin: { value: "list", lower: same("in", true) },
  contains: { value: "string", lower: same("contains") },
  startsWith: { value: "string", lower: same("startsWith") },
  endsWith: { value: "string", lower: same("endsWith") },
  // "Is the property set" means "holds a value other than null": MongoDB's `$ne: null`,
  // not `$exists`, which would count an explicit null as set.
  exists: { value: "boolean", lower: (value: boolean): Lowered => ({ test: "null", negate: value, value: null }) },
};

export type { ElementTest };

interface LeafSpec {
  /** The MongoDB operator expression for the positive test. */
  readonly mongo: (value: Operand) => Record<string, unknown>;
  /** The MongoDB expression for the negated test, where MongoDB has a direct operator. */
  readonly mongoNegated?: (value: Operand) => Record<string, unknown>;
  /** The same test in memory, for one value, as the server of `sem` answers it. */
  readonly element: (value: Operand, sem: Semantics) => ElementTest;
  /**
   * The same test again as a JavaScript expression over the variable `x`, for the code
   * generator. The operand is never spliced into the source: it stays a value, bound to
   * the names `refs` (one per item of `constants(value)`, or the operand itself). In scope:
   * `cmp` ({@link compareCodePoints}), `num` ({@link compareNumeric}), `otherNumeric`
   * ({@link mayBeOtherNumeric}), `numIn` ({@link numericIn}), `time` ({@link dateTime})
   * and `MISSING`. A differential test compares the generated and interpreted predicates.
   */
  readonly source: (value: Operand, x: string, refs: readonly string[], sem: Semantics) => string;
  readonly constants?: (value: Operand) => readonly unknown[];
}

/** Source for a range test; `op` is a JS comparison operator. */
function rangeSource(op: string) {
  return (value: Operand, x: string, [ref]: readonly string[]): string => {
    if (value instanceof Date) return `(${x} instanceof Date && time(${x}) ${op} ${ref})`;
    if (typeof value === "string" && hasCodeUnitsAboveSurrogates(value)) return `(typeof ${x} === "string" && cmp(${x}, ${ref}) ${op} 0)`;
    if (typeof value === "number") return `((typeof ${x} === "number" && ${x} ${op} ${ref}) || (otherNumeric(${x}) && num(${x}, ${ref}) ${op} 0))`;
    return `(typeof ${x} === ${JSON.stringify(typeof value)} && ${x} ${op} ${ref})`;
  };
}

/**
 * Range tests apply only within one BSON type (MongoDB's type bracketing): a number never
 * compares with a string, a boolean or a date. Strings compare by code point, which JS's
 * `<` equals unless the operand holds a code unit at or above U+D800 (checked once here).
 */
function range(cmp: (order: number) => boolean, js: (a: never, b: never) => boolean) {
  return (value: Operand): ElementTest => {
    if (typeof value === "number") {
      // Other numeric BSON types (bigint, Long, Decimal128…) compare by value too; NaN never does.
      return (x) => (typeof x === "number" && js(x as never, value as never)) || (mayBeOtherNumeric(x) && cmp(compareNumeric(x, value)));
    }
    if (typeof value === "boolean") return (x) => typeof x === "boolean" && js(x as never, value as never);
    if (value instanceof Date) {
      const t = value.getTime();
      return (x) => x instanceof Date && js(dateTime(x) as never, t as never);
    }
    if (typeof value === "string") {
      if (!hasCodeUnitsAboveSurrogates(value)) return (x) => typeof x === "string" && js(x as never, value as never);
      return (x) => typeof x === "string" && cmp(compareCodePoints(x, value));
    }
    throw new TypeError(`range test on ${typeof value}`);
  };
}

/**
 * Regex-escapes a literal so that it means the same to MongoDB's PCRE and to JavaScript:
 * every metacharacter gets a backslash, and NUL (which MongoDB refuses inside a pattern)
 * becomes `\x00`. No user character is ever left to act as regex syntax.
 */
export function escapeRegex(literal: string): string {
  return literal.replace(/[\\^$.|?*+()[\]{}]/g, "\\$&").replace(/\0/g, "\\x00");
}

/**
 * "At the very end". PCRE's `$` also matches before a final newline (and JS has no `\z`),
 * so `bc$` would match "abc\n"; a lookahead for "no character follows" means end-of-string
 * in both engines.
 */
export const END_OF_STRING = "(?![\\s\\S])";

/** MongoDB refuses a `$regex` pattern longer than this many UTF-8 bytes (`RegexMatchExpression::kMaxPatternSize`). */
export const MAX_REGEX_BYTES = 32_764;

const str = (value: Operand) => value as string;
/** Dates are compared by their time; the generated code holds that number, never the mutable Date. */
const timeOf = <T,>(value: T): T | number => (value instanceof Date ? value.getTime() : value);
/** A list operand of a date field holds only Dates (the catalog checks each item). */
const isDateList = (value: Operand): boolean => Array.isArray(value) && value.length > 0 && value[0] instanceof Date;

export const LEAF_SPECS: { readonly [K in LeafTest]: LeafSpec } = {
  eq: {
    mongo: (value) => ({ $eq: value }),
    mongoNegated: (value) => ({ $ne: value }),
    // Scalars only: `===` already brackets types (18 !== "18", 0 !== false) and equates -0 and 0 as MongoDB does.
    element: (value) => {
      if (value instanceof Date) {
        const t = value.getTime();
        return (x) => x instanceof Date && dateTime(x) === t;
      }
      if (typeof value === "number") return (x) => x === value || (mayBeOtherNumeric(x) && compareNumeric(x, value) === 0);
      return (x) => x === value;
    },
    source: (value, x, [ref]) =>
      value instanceof Date
        ? `(${x} instanceof Date && time(${x}) === ${ref})`
        : typeof value === "number"
          ? `(${x} === ${ref} || (otherNumeric(${x}) && num(${x}, ${ref}) === 0))`
          : `${x} === ${ref}`,
    constants: (value) => [timeOf(value)],
  },
  gt: { mongo: (value) => ({ $gt: value }), element: range((o) => o > 0, (a, b) => a > b), source: rangeSource(">"), constants: (value) => [timeOf(value)] },
  gte: { mongo: (value) => ({ $gte: value }), element: range((o) => o >= 0, (a, b) => a >= b), source: rangeSource(">="), constants: (value) => [timeOf(value)] },
  lt: { mongo: (value) => ({ $lt: value }), element: range((o) => o < 0, (a, b) => a < b), source: rangeSource("<"), constants: (value) => [timeOf(value)] },
  lte: { mongo: (value) => ({ $lte: value }), element: range((o) => o <= 0, (a, b) => a <= b), source: rangeSource("<="), constants: (value) => [timeOf(value)] },
  in: {
    mongo: (value) => ({ $in: value }),
    mongoNegated: (value) => ({ $nin: value }),
    element: (value) => {
      const [set, sorted] = inConstants(value) as [ReadonlySet<unknown>, readonly number[]];
      if (isDateList(value)) return (x) => x instanceof Date && set.has(dateTime(x));
      return (x) => ((typeof x === "string" || typeof x === "number") && set.has(x)) || (mayBeOtherNumeric(x) && numericIn(x, sorted));
    },
    source: (value, x, [set, sorted]) =>
      isDateList(value)
        ? `(${x} instanceof Date && ${set}.has(time(${x})))`
        : `(((typeof ${x} === "string" || typeof ${x} === "number") && ${set}.has(${x})) || (otherNumeric(${x}) && numIn(${x}, ${sorted})))`,
    constants: (value) => inConstants(value),
  },
  contains: {
    mongo: (value) => ({ $regex: escapeRegex(str(value)) }),
    element: (value) => (x) => typeof x === "string" && x.includes(str(value)),
    source: (_value, x, [ref]) => `(typeof ${x} === "string" && ${x}.includes(${ref}))`,
  },
  startsWith: {
    mongo: (value) => ({ $regex: `^${escapeRegex(str(value))}` }),
    element: (value) => (x) => typeof x === "string" && x.startsWith(str(value)),
    source: (_value, x, [ref]) => `(typeof ${x} === "string" && ${x}.startsWith(${ref}))`,
  },
  endsWith: {
    mongo: (value) => ({ $regex: `${escapeRegex(str(value))}${END_OF_STRING}` }),
    element: (value) => (x) => typeof x === "string" && x.endsWith(str(value)),
    source: (_value, x, [ref]) => `(typeof ${x} === "string" && ${x}.endsWith(${ref}))`,
  },
  null: {
    mongo: () => ({ $eq: null }),
    mongoNegated: () => ({ $ne: null }),
    // MISSING is what a path yields where there is no field; `undefined` is a stored BSON undefined.
    element: (_value, sem) => (sem.undefinedIsNull ? (x) => x === null || x === MISSING || x === undefined : (x) => x === null || x === MISSING),
    source: (_value, x, _refs, sem) => (sem.undefinedIsNull ? `(${x} === null || ${x} === MISSING || ${x} === undefined)` : `(${x} === null || ${x} === MISSING)`),
  },
};

/** An `in` list as a Set of its items (Dates by time) and the sorted numbers, for other numeric types. */
function inConstants(value: Operand): readonly unknown[] {
  const items = (value as readonly (ListItem | Date)[]).map(timeOf);
  return [new Set(items), sortedNumbers(items)];
}

/** Whether a test can meet a string: then a BSONSymbol, which MongoDB treats as a string, is offered as its text. */
export function readsStrings(value: Operand): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.some((v: unknown) => typeof v === "string"));
}

/** The in-memory test of one leaf, for the server of `sem`. */
export function elementTest(test: LeafTest, value: Operand, sem: Semantics): ElementTest {
  const base = LEAF_SPECS[test].element(value, sem);
  if (!readsStrings(value)) return base;
  return (x) => base(x) || (isBsonSymbol(x) && base(x.value));
}

/** The constants a leaf's source refers to, in order. */
export function testConstants(test: LeafTest, value: Operand): readonly unknown[] {
  const spec = LEAF_SPECS[test];
  return spec.constants ? spec.constants(value) : [value];
}

/**
 * The generated source of one leaf's test over `x`, for the server of `sem`, without the
 * BSONSymbol step of {@link elementTest}: the generator adds it where a value is an object
 * anyway, so that strings and numbers never pay for it (see {@link readsStrings}).
 */
export function testSource(test: LeafTest, value: Operand, x: string, refs: readonly string[], sem: Semantics): string {
  return LEAF_SPECS[test].source(value, x, refs, sem);
}

/** Whether a leaf's test tells a field holding `undefined` from a missing one, so a reader must too. */
export function seesUndefined(test: LeafTest, sem: Semantics): boolean {
  return test === "null" && !sem.undefinedIsNull;
}

/** The UTF-8 length of the `$regex` pattern a string operator emits, which MongoDB bounds by {@link MAX_REGEX_BYTES}. */
export function regexBytes(test: LeafTest, value: string): number | undefined {
  const regex = test === "contains" || test === "startsWith" || test === "endsWith" ? (LEAF_SPECS[test].mongo(value).$regex as string) : undefined;
  return regex === undefined ? undefined : new TextEncoder().encode(regex).length;
}
