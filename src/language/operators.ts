/**
 * What the language's operators mean, target-neutrally: each of the twelve lowers to one of
 * the positive {@link LEAF_TESTS} plus a negation flag, mirroring how MongoDB itself
 * defines `$ne` as `$not $eq` and `$nin` as `$not $in`: a negated test holds when *no*
 * value at the path passes (missing fields included). How each leaf test is written is
 * each target's own table (targets/mongo/leaves.ts, targets/predicate/leaves.ts), checked
 * against the leaf tests with `satisfies`.
 */
import type { FieldCondition, Operator, Scalar, ListItem } from "./condition.js";
import type { RelativeDate } from "./relative.js";

/** The kinds of operand an operator takes. */
export type ValueKind = "scalar" | "list" | "string" | "boolean";

/** The positive tests of one value that every operator lowers to. */
export const LEAF_TESTS = ["eq", "gt", "gte", "lt", "lte", "in", "contains", "startsWith", "endsWith", "null"] as const;
export type LeafTest = (typeof LEAF_TESTS)[number];

/** An operand as the AST holds it: typed fields turn date values into `Date`s (or epoch milliseconds), and date math into a {@link RelativeDate}. */
export type Operand = Scalar | Date | RelativeDate | null | readonly (ListItem | Date)[];

export interface Lowered {
  readonly test: LeafTest;
  readonly negate: boolean;
  readonly value: Operand;
}

/** The operand of each kind, as {@link FieldCondition} declares it. */
interface OperandOfKind {
  readonly scalar: Scalar;
  readonly list: readonly ListItem[];
  readonly string: string;
  readonly boolean: boolean;
}

/** The operand {@link FieldCondition} declares for operator `K` (never when no member has it). */
type DeclaredOperand<K extends Operator> = FieldCondition extends infer F
  ? F extends { readonly operator: infer O; readonly value: infer V }
    ? K extends O
      ? V
      : never
    : never
  : never;

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/**
 * The value kind whose operand {@link FieldCondition} declares for `K`: never when it has
 * no member for `K` or one with another operand, so that the entry of such an operator in
 * {@link OPERATOR_SPECS} fails the build (an operator added to `OPERATORS` but not to
 * `FieldCondition`, or to the wrong member of it).
 */
type DeclaredKind<K extends Operator> = {
  readonly [V in ValueKind]: Same<OperandOfKind[V], DeclaredOperand<K>> extends true ? V : never;
}[ValueKind];

interface OperatorSpec<K extends Operator> {
  readonly value: DeclaredKind<K>;
  readonly lower: (value: never) => Lowered;
}

const same =
  (test: LeafTest, negate = false) =>
  (value: Exclude<Operand, null>): Lowered => ({ test, negate, value });

/** What each operator of the language takes and means. */
export const OPERATOR_SPECS: { readonly [K in Operator]: OperatorSpec<K> } = {
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
