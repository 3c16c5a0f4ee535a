/**
 * AST → MongoDB filter, for `find`, `countDocuments` and change-stream `$match`.
 *
 * Every key in the output is either an operator this file writes or a field path that the
 * parser has checked (no `$`, no empty segment), so no user string can become an operator.
 * The filter speaks the user's words (each node's origin): a negated `ne` is `$ne`, a
 * `$not` is `$nor` (MongoDB has no top-level `$not`), the keys of one input object are the
 * keys of one filter object. A condition `d` levels deep yields a filter at most `2d + 4`
 * BSON levels deep: each level costs an object and a list, and the deepest leaf
 * (`notSubscribedToTopic` in the records layout: `{p: {$not: {$elemMatch: {topicId: {$in: [...]}}}}}`)
 * five more levels.
 */
import { dottedPath, fold, type Node } from "../../language/ast.js";
import type { Operand } from "../../language/operators.js";
import { lowerTopics, unlowered, type TopicStorage } from "../topics.js";
import { atInstant } from "../clock.js";
import { RelativeDate } from "../../language/relative.js";
import type { Zone } from "../../time/zone.js";
import { MONGO_LEAVES } from "./leaves.js";

/** A MongoDB query filter, as the official driver accepts it. */
export type MongoFilter = { readonly [key: string]: unknown };

const freeze = Object.freeze;

/** Each filter gets its own Date objects: a Date is mutable even when frozen. Lists without dates are the AST's own frozen lists. */
function bson(value: Operand): Operand {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value) && value.some((v: unknown) => v instanceof Date))
    return freeze(value.map((v: unknown) => (v instanceof Date ? new Date(v.getTime()) : v))) as Operand;
  return value;
}

/**
 * The keys of one input object become the keys of one filter object, as MongoDB ANDs the
 * keys of a filter: `{$and: [...], $or: [...], $nor: [...]}`, and both topic keys as
 * `{topics: {$in: [...], $nin: [...]}}`. The parser guarantees the keys never collide.
 */
function mergeObject(parts: readonly MongoFilter[]): MongoFilter {
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const existing = out[key];
      if (existing === undefined) out[key] = value;
      else if (!key.startsWith("$")) out[key] = freeze({ ...(existing as object), ...(value as object) });
      else throw new Error(`segmatch: filter key ${key} would be written twice`);
    }
  }
  return freeze(out);
}

/** The operator expression of a path-level node on its own path (for `$not` and `$elemMatch`), or undefined for a logical node. */
function pathExpression(n: Node, negate: boolean): { path: string; expression: Record<string, unknown> } | undefined {
  if (n.kind === "leaf") {
    if (n.value instanceof RelativeDate)
      throw new Error("segmatch: a relative date reached the filter without an instant");
    const leaf = MONGO_LEAVES[n.test];
    const value = bson(n.value);
    if (!negate) return { path: n.field.dotted, expression: freeze(leaf.positive(value)) };
    // `$ne`/`$nin` where MongoDB has them; otherwise `$not` keeps "no value matches" too.
    return {
      path: n.field.dotted,
      expression: freeze(leaf.negated ? leaf.negated(value) : { $not: freeze(leaf.positive(value)) }),
    };
  }
  if (n.kind === "elemMatch") {
    const match = freeze({ $elemMatch: filterOf(n.where) });
    // `$not` of `$elemMatch` also holds where the field is missing or holds no matching element.
    return { path: dottedPath(n.path), expression: negate ? freeze({ $not: match }) : match };
  }
  return undefined;
}

/**
 * The filter of `root`, with topics kept as `options.topics` says and relative dates
 * resolved at the instant `at` in `options.zone` (a condition with one needs `at`), deeply
 * frozen as it is built.
 */
export function toFilter(root: Node, options: TopicStorage & { readonly zone: Zone }, at?: number): MongoFilter {
  const lowered = lowerTopics(root, options);
  return filterOf(at === undefined ? lowered : atInstant(lowered, at, options.zone));
}

/** The filter of a tree whose topic tests are lowered. */
function filterOf(root: Node): MongoFilter {
  return fold<MongoFilter>(root, {
    leaf: (n) => {
      const { path, expression } = pathExpression(n, false)!;
      return freeze({ [path]: expression });
    },
    topic: unlowered,
    elemMatch: (n) => {
      const { path, expression } = pathExpression(n, false)!;
      return freeze({ [path]: expression });
    },
    and: (n, children) =>
      n.origin.from === "keys" || n.origin.from === "layout"
        ? mergeObject(children)
        : freeze({ $and: freeze(children) }),
    or: (_n, children) => freeze({ $or: freeze(children) }),
    not: (n, child) => {
      // A negated operator (`ne`, `nin`, `exists`, a topic key) stays on its path; a `$not` of a condition is `$nor`.
      const own = n.origin.from === "$not" ? undefined : pathExpression(n.child, true);
      return freeze(own ? { [own.path]: own.expression } : { $nor: freeze([child]) });
    },
  });
}
