/**
 * AST → MongoDB filter, for `find`, `countDocuments` and change-stream `$match`.
 *
 * Every key in the output is either an operator this file writes or a field path that the
 * parser has checked (no `$`, no empty segment), so no user string can become an operator.
 * A condition `d` levels deep yields a filter at most `2d + 4` BSON levels deep: each level
 * costs an object and a list, and the deepest leaf (`notSubscribedToTopic` in the records
 * layout: `{p: {$not: {$elemMatch: {topicId: {$in: [...]}}}}}`) five more levels.
 */
import { unreachable, type Node } from "../language/ast.js";
import { LEAF_SPECS, type Operand } from "../language/operators.js";
import { recordsElemMatch } from "../language/topics.js";

/** Each filter gets its own Date objects: a Date is mutable even when frozen. */
function bson(value: Operand): Operand {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map((v: unknown) => (v instanceof Date ? new Date(v.getTime()) : v)) as Operand;
  return value;
}

/** A MongoDB query filter, as the official driver accepts it. */
export type MongoFilter = { readonly [key: string]: unknown };

/**
 * The keys of one input object become the keys of one filter object, as MongoDB ANDs the
 * keys of a filter: `{$and: [...], $or: [...], $nor: [...]}`, and both topic keys as
 * `{topics: {$in: [...], $nin: [...]}}`. The parser guarantees the keys never collide.
 */
function mergeObject(parts: MongoFilter[]): MongoFilter {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const existing = out[key];
      if (existing === undefined) out[key] = value;
      else if (!key.startsWith("$")) out[key] = { ...(existing as object), ...(value as object) };
      else throw new Error(`segmatch: filter key ${key} would be written twice`);
    }
  }
  return out;
}

export function toFilter(node: Node): MongoFilter {
  switch (node.kind) {
    case "compare": {
      const spec = LEAF_SPECS[node.test];
      const path = node.path.join(".");
      const value = bson(node.value);
      if (!node.negate) return { [path]: spec.mongo(value) };
      // `$ne`/`$nin` where MongoDB has them; otherwise `$not` keeps "no value matches" too.
      return { [path]: spec.mongoNegated ? spec.mongoNegated(value) : { $not: spec.mongo(value) } };
    }
    case "topic": {
      const path = node.path.join(".");
      if (node.layout === "records") {
        const match = recordsElemMatch(node.ids);
        // `$not` of `$elemMatch` also holds where the field is missing or holds no records.
        return { [path]: node.negate ? { $not: match } : match };
      }
      const spec = LEAF_SPECS.in;
      const ids = [...node.ids];
      return { [path]: node.negate ? spec.mongoNegated!(ids) : spec.mongo(ids) };
    }
    case "and":
      return node.sameObject ? mergeObject(node.children.map(toFilter)) : { $and: node.children.map(toFilter) };
    case "or":
      return { $or: node.children.map(toFilter) };
    case "not":
      // MongoDB has no top-level `$not`; `$nor` of one clause is its negation.
      return { $nor: [toFilter(node.child)] };
    default:
      return unreachable(node);
  }
}
