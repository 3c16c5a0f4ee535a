/**
 * AST → MongoDB filter, for `find`, `countDocuments` and change-stream `$match`.
 *
 * Every key in the output is either an operator this file writes or a field path that the
 * parser has checked (no `$`, no empty segment), so no user string can become an operator.
 * A condition `d` levels deep yields a filter `2d + 1` BSON levels deep.
 */
import { unreachable, type Node } from "../language/ast.js";
import { LEAF_SPECS } from "../language/operators.js";

/** A MongoDB query filter, as the official driver accepts it. */
export type MongoFilter = { readonly [key: string]: unknown };

export function toFilter(node: Node): MongoFilter {
  switch (node.kind) {
    case "compare": {
      const spec = LEAF_SPECS[node.test];
      const path = node.path.join(".");
      if (!node.negate) return { [path]: spec.mongo(node.value) };
      // `$ne`/`$nin` where MongoDB has them; otherwise `$not` keeps "no value matches" too.
      return { [path]: spec.mongoNegated ? spec.mongoNegated(node.value) : { $not: spec.mongo(node.value) } };
    }
    case "topic": {
      const spec = LEAF_SPECS.in;
      const ids = [...node.ids];
      return { [node.path.join(".")]: node.negate ? spec.mongoNegated!(ids) : spec.mongo(ids) };
    }
    case "and":
      return { $and: node.children.map(toFilter) };
    case "or":
      return { $or: node.children.map(toFilter) };
    case "not":
      // MongoDB has no top-level `$not`; `$nor` of one clause is its negation.
      return { $nor: [toFilter(node.child)] };
    default:
      return unreachable(node);
  }
}
