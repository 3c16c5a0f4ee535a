/**
 * How the in-memory predicate tests each leaf: as a closure (`element`) and as generated
 * source (`source`), for the server version of `sem`. A differential test compares the
 * two, and both with MongoDB's answers for the filter.
 */
import type { LeafTest, Operand } from "../../language/operators.js";
import type { ListItem } from "../../language/condition.js";
import type { Semantics } from "../../language/versions.js";
import { compareCodePoints, hasCodeUnitsAboveSurrogates } from "../../runtime/string-order.js";
import { compareNumeric, mayBeOtherNumeric, numericIn, sortedNumbers } from "../../runtime/numbers.js";
import { dateTime, isBsonSymbol } from "../../runtime/bson.js";
import { MISSING, type ElementTest } from "../../runtime/path.js";
import { Clocked } from "./clocked.js";

interface PredicateLeaf {
  /** The test in memory, for one value, as the server of `sem` answers it. */
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
    if (value instanceof Clocked) {
      return value.epoch
        ? `((typeof ${x} === "number" && ${x} ${op} ${ref}.value) || (otherNumeric(${x}) && num(${x}, ${ref}.value) ${op} 0))`
        : `(${x} instanceof Date && time(${x}) ${op} ${ref}.value)`;
    }
    if (typeof value === "string" && hasCodeUnitsAboveSurrogates(value))
      return `(typeof ${x} === "string" && cmp(${x}, ${ref}) ${op} 0)`;
    if (typeof value === "number")
      return `((typeof ${x} === "number" && ${x} ${op} ${ref}) || (otherNumeric(${x}) && num(${x}, ${ref}) ${op} 0))`;
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
      return (x) =>
        (typeof x === "number" && js(x as never, value as never)) ||
        (mayBeOtherNumeric(x) && cmp(compareNumeric(x, value)));
    }
    if (typeof value === "boolean") return (x) => typeof x === "boolean" && js(x as never, value as never);
    if (value instanceof Date) {
      const t = value.getTime();
      return (x) => x instanceof Date && js(dateTime(x) as never, t as never);
    }
    // A relative date: the cell's value at this call (epoch milliseconds), compared as a date or as a number.
    if (value instanceof Clocked) {
      const cell = value;
      if (cell.epoch)
        return (x) =>
          (typeof x === "number" && js(x as never, cell.value as never)) ||
          (mayBeOtherNumeric(x) && cmp(compareNumeric(x, cell.value)));
      return (x) => x instanceof Date && js(dateTime(x) as never, cell.value as never);
    }
    if (typeof value === "string") {
      if (!hasCodeUnitsAboveSurrogates(value)) return (x) => typeof x === "string" && js(x as never, value as never);
      return (x) => typeof x === "string" && cmp(compareCodePoints(x, value));
    }
    throw new TypeError(`range test on ${typeof value}`);
  };
}

const str = (value: Operand) => value as string;
/** Dates are compared by their time; the generated code holds that number, never the mutable Date. */
const timeOf = <T>(value: T): T | number => (value instanceof Date ? value.getTime() : value);
/** A list operand of a date field holds only Dates (the catalog checks each item). */
const isDateList = (value: Operand): boolean => Array.isArray(value) && value.length > 0 && value[0] instanceof Date;

const PREDICATE_LEAVES = {
  eq: {
    // Scalars only: `===` already brackets types (18 !== "18", 0 !== false) and equates -0 and 0 as MongoDB does.
    element: (value) => {
      if (value instanceof Date) {
        const t = value.getTime();
        return (x) => x instanceof Date && dateTime(x) === t;
      }
      if (typeof value === "number")
        return (x) => x === value || (mayBeOtherNumeric(x) && compareNumeric(x, value) === 0);
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
  gt: {
    element: range(
      (o) => o > 0,
      (a, b) => a > b,
    ),
    source: rangeSource(">"),
    constants: (value) => [timeOf(value)],
  },
  gte: {
    element: range(
      (o) => o >= 0,
      (a, b) => a >= b,
    ),
    source: rangeSource(">="),
    constants: (value) => [timeOf(value)],
  },
  lt: {
    element: range(
      (o) => o < 0,
      (a, b) => a < b,
    ),
    source: rangeSource("<"),
    constants: (value) => [timeOf(value)],
  },
  lte: {
    element: range(
      (o) => o <= 0,
      (a, b) => a <= b,
    ),
    source: rangeSource("<="),
    constants: (value) => [timeOf(value)],
  },
  in: {
    element: (value) => {
      const [set, sorted] = inConstants(value) as [ReadonlySet<unknown>, readonly number[]];
      if (isDateList(value)) return (x) => x instanceof Date && set.has(dateTime(x));
      // Strings only: no number of any type can be in the list.
      if (stringsOnly(value)) return (x) => typeof x === "string" && set.has(x);
      return (x) =>
        ((typeof x === "string" || typeof x === "number") && set.has(x)) ||
        (mayBeOtherNumeric(x) && numericIn(x, sorted));
    },
    source: (value, x, [set, sorted, ...strings]) => {
      if (isDateList(value)) return `(${x} instanceof Date && ${set}.has(time(${x})))`;
      // A few strings are compared one by one, as a careful hand-written function does; more, by the Set.
      if (strings.length > 0) return `(${strings.map((s) => `${x} === ${s}`).join(" || ")})`;
      if (stringsOnly(value)) return `(typeof ${x} === "string" && ${set}.has(${x}))`;
      return `(((typeof ${x} === "string" || typeof ${x} === "number") && ${set}.has(${x})) || (otherNumeric(${x}) && numIn(${x}, ${sorted})))`;
    },
    constants: (value) => inConstants(value),
  },
  contains: {
    element: (value) => (x) => typeof x === "string" && x.includes(str(value)),
    source: (_value, x, [ref]) => `(typeof ${x} === "string" && ${x}.includes(${ref}))`,
  },
  startsWith: {
    element: (value) => (x) => typeof x === "string" && x.startsWith(str(value)),
    source: (_value, x, [ref]) => `(typeof ${x} === "string" && ${x}.startsWith(${ref}))`,
  },
  endsWith: {
    element: (value) => (x) => typeof x === "string" && x.endsWith(str(value)),
    source: (_value, x, [ref]) => `(typeof ${x} === "string" && ${x}.endsWith(${ref}))`,
  },
  null: {
    // MISSING is what a path yields where there is no field; `undefined` is a stored BSON undefined.
    element: (_value, sem) =>
      sem.undefinedIsNull ? (x) => x === null || x === MISSING || x === undefined : (x) => x === null || x === MISSING,
    source: (_value, x, _refs, sem) =>
      sem.undefinedIsNull
        ? `(${x} === null || ${x} === MISSING || ${x} === undefined)`
        : `(${x} === null || ${x} === MISSING)`,
  },
} satisfies { readonly [K in LeafTest]: PredicateLeaf } as { readonly [K in LeafTest]: PredicateLeaf };

/** Lists of at most this many strings are compared one by one in generated code. */
const FEW_STRINGS = 4;

/** Whether an `in` list holds strings and nothing else: then no value of another type can be in it (both tiers decide it here). */
function stringsOnly(value: Operand): boolean {
  return (value as readonly unknown[]).every((v) => typeof v === "string");
}

/**
 * An `in` list as a Set of its items (Dates by time) and the sorted numbers, for other
 * numeric types; for a few strings and nothing else, each string too (see `in`'s source).
 */
function inConstants(value: Operand): readonly unknown[] {
  const items = (value as readonly (ListItem | Date)[]).map(timeOf);
  const sorted = sortedNumbers(items);
  return items.length <= FEW_STRINGS && stringsOnly(value)
    ? [new Set(items), sorted, ...items]
    : [new Set(items), sorted];
}

/** Whether a test can meet a string: then a BSONSymbol, which MongoDB treats as a string, is offered as its text. */
export function readsStrings(value: Operand): boolean {
  return typeof value === "string" || (Array.isArray(value) && value.some((v: unknown) => typeof v === "string"));
}

/** The in-memory test of one leaf, for the server of `sem`. */
export function elementTest(test: LeafTest, value: Operand, sem: Semantics): ElementTest {
  const base = PREDICATE_LEAVES[test].element(value, sem);
  if (!readsStrings(value)) return base;
  return (x) => base(x) || (isBsonSymbol(x) && base(x.value));
}

/** The constants a leaf's source refers to, in order. */
export function testConstants(test: LeafTest, value: Operand): readonly unknown[] {
  const spec = PREDICATE_LEAVES[test];
  return spec.constants ? spec.constants(value) : [value];
}

/**
 * The generated source of one leaf's test over `x`, for the server of `sem`, without the
 * BSONSymbol step of {@link elementTest}: the generator adds it where a value is an object
 * anyway, so that strings and numbers never pay for it (see {@link readsStrings}).
 */
export function testSource(test: LeafTest, value: Operand, x: string, refs: readonly string[], sem: Semantics): string {
  return PREDICATE_LEAVES[test].source(value, x, refs, sem);
}

/** Whether a leaf's test tells a field holding `undefined` from a missing one, so a reader must too. */
export function seesUndefined(test: LeafTest, sem: Semantics): boolean {
  return test === "null" && !sem.undefinedIsNull;
}
