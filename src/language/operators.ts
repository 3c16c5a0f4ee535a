/**
 * The one table of operator meanings that every compile target reads, so the MongoDB
 * filter and the in-memory predicate cannot drift apart.
 *
 * The language's twelve operators lower to six positive leaf tests plus a negation flag,
 * mirroring how MongoDB itself defines `$ne` as `$not $eq` and `$nin` as `$not $in`: a
 * negated test holds when *no* value at the path passes (missing fields included).
 */
import type { Operator, Scalar, ListItem } from "./condition.js";
import { compareCodePoints, hasCodeUnitsAboveSurrogates } from "../runtime/string-order.js";
import { compareNumeric, mayBeOtherNumeric, numericIn } from "../runtime/numbers.js";

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

/** A test of one value found at a path (an array's elements are each offered in turn). */
export type ElementTest = (value: unknown) => boolean;


interface LeafSpec {
  /** The MongoDB operator expression for the positive test. */
  readonly mongo: (value: Operand) => Record<string, unknown>;
  /** The MongoDB expression for the negated test, where MongoDB has a direct operator. */
  readonly mongoNegated?: (value: Operand) => Record<string, unknown>;
  /** The same test in memory, for one value. */
  readonly element: (value: Operand) => ElementTest;
  /**
   * The same test again as a JavaScript expression over the variable `x`, for the code
   * generator. The operand is never spliced into the source: it stays a value, bound to
   * the name `ref` (as `constant(value)` when given, e.g. a Set for `in`). In scope: `cmp`
   * ({@link compareCodePoints}), `num` ({@link compareNumeric}), `otherNumeric`
   * ({@link mayBeOtherNumeric}) and `numIn` ({@link numericIn}). The generated and interpreted predicates are proven equal
   * by a differential test.
   */
  readonly source: (value: Operand, x: string, ref: string) => string;
  readonly constant?: (value: Operand) => unknown;
}

/** Source for a range test; `op` is a JS comparison operator. */
function rangeSource(op: string) {
  return (value: Operand, x: string, ref: string): string => {
    if (value instanceof Date) return `(${x} instanceof Date && ${x}.getTime() ${op} ${ref})`;
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
      return (x) => x instanceof Date && js(x.getTime() as never, t as never);
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
        return (x) => x instanceof Date && x.getTime() === t;
      }
      if (typeof value === "number") return (x) => x === value || (mayBeOtherNumeric(x) && compareNumeric(x, value) === 0);
      return (x) => x === value;
    },
    source: (value, x, ref) =>
      value instanceof Date
        ? `(${x} instanceof Date && ${x}.getTime() === ${ref})`
        : typeof value === "number"
          ? `(${x} === ${ref} || (otherNumeric(${x}) && num(${x}, ${ref}) === 0))`
          : `${x} === ${ref}`,
    constant: timeOf,
  },
  gt: { mongo: (value) => ({ $gt: value }), element: range((o) => o > 0, (a, b) => a > b), source: rangeSource(">"), constant: timeOf },
  gte: { mongo: (value) => ({ $gte: value }), element: range((o) => o >= 0, (a, b) => a >= b), source: rangeSource(">="), constant: timeOf },
  lt: { mongo: (value) => ({ $lt: value }), element: range((o) => o < 0, (a, b) => a < b), source: rangeSource("<"), constant: timeOf },
  lte: { mongo: (value) => ({ $lte: value }), element: range((o) => o <= 0, (a, b) => a <= b), source: rangeSource("<="), constant: timeOf },
  in: {
    mongo: (value) => ({ $in: value }),
    mongoNegated: (value) => ({ $nin: value }),
    element: (value) => {
      const set = new Set((value as readonly (ListItem | Date)[]).map(timeOf));
      if (isDateList(value)) return (x) => x instanceof Date && set.has(x.getTime());
      return (x) => ((typeof x === "string" || typeof x === "number") && set.has(x)) || (mayBeOtherNumeric(x) && numericIn(x, set));
    },
    source: (value, x, ref) =>
      isDateList(value)
        ? `(${x} instanceof Date && ${ref}.has(${x}.getTime()))`
        : `(((typeof ${x} === "string" || typeof ${x} === "number") && ${ref}.has(${x})) || (otherNumeric(${x}) && numIn(${x}, ${ref})))`,
    constant: (value) => new Set((value as readonly (ListItem | Date)[]).map(timeOf)),
  },
  contains: {
    mongo: (value) => ({ $regex: escapeRegex(str(value)) }),
    element: (value) => (x) => typeof x === "string" && x.includes(str(value)),
    source: (_value, x, ref) => `(typeof ${x} === "string" && ${x}.includes(${ref}))`,
  },
  startsWith: {
    mongo: (value) => ({ $regex: `^${escapeRegex(str(value))}` }),
    element: (value) => (x) => typeof x === "string" && x.startsWith(str(value)),
    source: (_value, x, ref) => `(typeof ${x} === "string" && ${x}.startsWith(${ref}))`,
  },
  endsWith: {
    mongo: (value) => ({ $regex: `${escapeRegex(str(value))}${END_OF_STRING}` }),
    element: (value) => (x) => typeof x === "string" && x.endsWith(str(value)),
    source: (_value, x, ref) => `(typeof ${x} === "string" && ${x}.endsWith(${ref}))`,
  },
  null: {
    mongo: () => ({ $eq: null }),
    mongoNegated: () => ({ $ne: null }),
    // `undefined` is how a missing value reaches a test.
    element: () => (x) => x === null || x === undefined,
    source: (_value, x) => `(${x} === null || ${x} === undefined)`,
  },
};
