/** How the MongoDB filter writes each leaf test, positive and (where MongoDB has a direct operator) negated. */
import type { LeafTest, Operand } from "../../language/operators.js";
import { regexPattern } from "../../language/regex.js";

interface MongoLeaf {
  /** The operator expression for the positive test. */
  readonly positive: (value: Operand) => Record<string, unknown>;
  /** The expression for the negated test, where MongoDB has a direct operator (else `$not` of the positive). */
  readonly negated?: (value: Operand) => Record<string, unknown>;
}

const regex = (test: LeafTest) => (value: Operand) => ({ $regex: regexPattern(test, value as string) });

export const MONGO_LEAVES = {
  eq: { positive: (value) => ({ $eq: value }), negated: (value) => ({ $ne: value }) },
  gt: { positive: (value) => ({ $gt: value }) },
  gte: { positive: (value) => ({ $gte: value }) },
  lt: { positive: (value) => ({ $lt: value }) },
  lte: { positive: (value) => ({ $lte: value }) },
  in: { positive: (value) => ({ $in: value }), negated: (value) => ({ $nin: value }) },
  contains: { positive: regex("contains") },
  startsWith: { positive: regex("startsWith") },
  endsWith: { positive: regex("endsWith") },
  null: { positive: () => ({ $eq: null }), negated: () => ({ $ne: null }) },
} satisfies { readonly [K in LeafTest]: MongoLeaf } as { readonly [K in LeafTest]: MongoLeaf };
