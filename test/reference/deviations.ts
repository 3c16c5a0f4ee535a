/**
 * Where mingo (the reference evaluator) departs from MongoDB's documented behaviour.
 * This is the one list of such departures. Each entry names the inputs it covers and why
 * MongoDB answers differently; for those inputs the reference answer comes from
 * mongo-rule.ts, which states MongoDB's rule directly, and never from mingo.
 */
import { Aggregator, Query } from "mingo";
import { candidates, compareByCodePoint, MISSING, mongoLeafMatches, type Version } from "./mongo-rule.js";

export interface Leaf {
  readonly path: string;
  readonly op: string;
  readonly operand: unknown;
}

export interface Deviation {
  readonly id: string;
  readonly reason: string;
  /** Does this leaf, on this document, fall where mingo and the MongoDB server of `version` may disagree? */
  readonly applies: (leaf: Leaf, doc: unknown, version: Version) => boolean;
  /** One input that shows the departure: mingo's answer is wrong, the server of `version`'s is `mongo`. */
  readonly example: {
    readonly filter: Record<string, unknown>;
    readonly doc: Record<string, unknown>;
    readonly mongo: boolean;
    readonly version: Version;
  };
}

const RANGE = new Set(["$gt", "$gte", "$lt", "$lte"]);
const NULL_OPS = new Set(["$eq", "$ne"]);

/** Does the path, walked through `doc`, meet an array that still has segments to apply? */
function arrayBeforeLastSegment(doc: unknown, path: string): boolean {
  if (typeof doc !== "object" || doc === null) return false;
  const segments = path.split(".");
  let level: unknown[] = [doc];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const value of level) {
      if (Array.isArray(value)) return true;
      if (typeof value === "object" && value !== null && !(value instanceof Date))
        next.push((value as Record<string, unknown>)[segment]);
    }
    level = next;
  }
  return false;
}

export const DEVIATIONS: readonly Deviation[] = [
  {
    id: "array-in-the-middle-of-a-path",
    reason:
      "MongoDB searches an array in the middle of a dotted path only in its object elements, offers 'missing' for an object element " +
      "without the next field (so {'a.b': null} matches {a: [{c: 1}]}), skips nested arrays and scalar elements unless a numeric " +
      "segment selects them by position, and also reads a numeric segment as a key of object elements (path.cpp, " +
      "null_query_semantics.js). mingo flattens nested arrays, ignores missing fields in array elements and reads numeric " +
      "segments only as positions.",
    applies: (leaf, doc) => arrayBeforeLastSegment(doc, leaf.path),
    example: { filter: { "a.b": { $eq: null } }, doc: { a: [{ c: 1 }] }, mongo: true, version: "8.0" },
  },
  {
    id: "null-through-arrays-9.0",
    reason:
      "From 9.0 (SERVER-36681) a dotted path through an array yields 'missing' for an empty array and for every element it cannot " +
      "descend into (a scalar, a nested array), so {'a.b': null} matches {a: [1]} and {a: []} (null_query_semantics.js, " +
      "dotted_path_in_null.js, ne_null.js at 9.0). mingo answers as the servers before 9.0 did.",
    applies: (leaf, doc, version) => version === "9.0" && arrayBeforeLastSegment(doc, leaf.path),
    example: { filter: { "a.b": { $eq: null } }, doc: { a: [1] }, mongo: true, version: "9.0" },
  },
  {
    id: "bson-undefined",
    reason:
      "The driver decodes the deprecated BSON undefined to a JavaScript undefined own property. Before 8.0, null equality matches " +
      "it, as a field and as an array element; from 8.0 it matches neither ('Compatibility Changes in MongoDB 8.0', " +
      "null_query_semantics.js). mingo treats a field holding undefined as missing (so null from 8.0 on is wrong) and an " +
      "undefined array element as not null (so 7.0 is wrong).",
    applies: (leaf, doc, version) =>
      NULL_OPS.has(leaf.op) &&
      leaf.operand === null &&
      candidates(doc, leaf.path, true, version).some((c) => c === undefined),
    example: { filter: { a: { $eq: null } }, doc: { a: undefined }, mongo: false, version: "8.0" },
  },
  {
    id: "nested-arrays-at-the-end-of-a-path",
    reason:
      "MongoDB offers a leaf operator the elements of an array at the end of a path one level deep, never the elements of a " +
      "nested array: {a: {$regex: 'x'}} does not match {a: [['x']]}, nor {'a.b': 1} {a: {b: [[1]]}}. mingo looks one level " +
      "further for $regex, and for $eq on dotted paths.",
    applies: (leaf, doc, version) =>
      candidates(doc, leaf.path, true, version).some((c) => Array.isArray(c) && c.some(Array.isArray)),
    example: { filter: { "a.b": { $eq: 1 } }, doc: { a: { b: [[1]] } }, mongo: false, version: "8.0" },
  },
  {
    id: "nan-in-range-comparisons",
    reason:
      "MongoDB's comparison match expressions return false whenever one side is NaN (expression_leaf.cpp; jstests/core/query/nan.js), " +
      "so {a: {$gte: 0}} does not match {a: NaN}; mingo answers true for $gte and $lte.",
    applies: (leaf, doc, version) =>
      RANGE.has(leaf.op) && candidates(doc, leaf.path, true, version).some((c) => Number.isNaN(c)),
    example: { filter: { a: { $gte: 0 } }, doc: { a: Number.NaN }, mongo: false, version: "8.0" },
  },
  {
    id: "string-order-beyond-the-bmp",
    reason:
      "MongoDB compares strings by their UTF-8 bytes, i.e. by code point; mingo uses JavaScript's UTF-16 code-unit order, which " +
      "puts characters beyond U+FFFF (surrogate pairs) before U+E000–U+FFFF.",
    applies: (leaf, doc, version) =>
      RANGE.has(leaf.op) &&
      typeof leaf.operand === "string" &&
      candidates(doc, leaf.path, true, version).some(
        (c) =>
          typeof c === "string" &&
          Math.sign(compareByCodePoint(c, leaf.operand as string)) !==
            Math.sign(c < (leaf.operand as string) ? -1 : c > (leaf.operand as string) ? 1 : 0),
      ),
    example: { filter: { a: { $gt: "\uFFFF" } }, doc: { a: "\u{1F600}" }, mongo: true, version: "8.0" },
  },
];

/** The deviations that make mingo's answer untrustworthy for this leaf and document, on the server of `version`. */
export function deviationsFor(leaf: Leaf, doc: unknown, version: Version = "8.0"): Deviation[] {
  return DEVIATIONS.filter((d) => d.applies(leaf, doc, version));
}

/** The leaves of a filter as segmatch emits it: `$and`, `$or`, `$nor` and `{path: {op: operand, …}}`. */
function leavesOf(filter: Record<string, unknown>): Leaf[] {
  const out: Leaf[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === "$and" || key === "$or" || key === "$nor")
      for (const f of value as Record<string, unknown>[]) out.push(...leavesOf(f));
    else
      for (const [op, operand] of Object.entries(value as Record<string, unknown>))
        out.push({ path: key, op, operand });
  }
  return out;
}

const queries = new Map<string, Query>();
function mingo(filter: Record<string, unknown>, doc: unknown): boolean {
  const key = JSON.stringify(filter);
  let q = queries.get(key);
  if (!q) {
    q = new Query(filter);
    if (queries.size > 10_000) queries.clear();
    queries.set(key, q);
  }
  return q.test(doc as Record<string, unknown>);
}

export interface ReferenceAnswer {
  readonly matches: boolean;
  /** The deviations that decided some leaf, empty when mingo judged the whole filter. */
  readonly deviations: readonly string[];
}

/**
 * What MongoDB returns for `filter` on `doc`: mingo's answer for the whole filter when no
 * leaf falls under a recorded deviation; otherwise the filter's logic evaluated here, with
 * each deviating leaf decided by MongoDB's rule and every other leaf by mingo.
 */
export function reference(filter: Record<string, unknown>, doc: unknown, version: Version = "8.0"): ReferenceAnswer {
  const hit = new Set<string>();
  for (const leaf of leavesOf(filter)) for (const d of deviationsFor(leaf, doc, version)) hit.add(d.id);
  if (hit.size === 0) return { matches: mingo(filter, doc), deviations: [] };
  const evaluate = (f: Record<string, unknown>): boolean =>
    Object.entries(f).every(([key, value]) => {
      if (key === "$and") return (value as Record<string, unknown>[]).every(evaluate);
      if (key === "$or") return (value as Record<string, unknown>[]).some(evaluate);
      if (key === "$nor") return !(value as Record<string, unknown>[]).some(evaluate);
      return Object.entries(value as Record<string, unknown>).every(([op, operand]) => {
        const leaf = { path: key, op, operand };
        return deviationsFor(leaf, doc, version).length > 0
          ? mongoLeafMatches(doc, key, op, operand, version)
          : mingo({ [key]: { [op]: operand } }, doc);
      });
    });
  return { matches: evaluate(filter), deviations: [...hit] };
}

/**
 * Departures in aggregation stages, beyond the query leaves above. Each rewrites a stage into
 * the form MongoDB documents as equivalent, on which mingo answers as MongoDB does.
 */
export const STAGE_DEVIATIONS = [
  {
    id: "count-of-nothing",
    reason:
      "MongoDB's $count stage is $group {_id: null, n: {$sum: 1}} then $project {_id: 0}, and so returns no document when its " +
      "input is empty ('If the input dataset is empty, $count doesn't return a result', the $count page; SERVER-80458). " +
      "mingo returns {n: 0}.",
    rewrite: (stage: Record<string, unknown>): Record<string, unknown>[] | undefined =>
      typeof stage.$count === "string"
        ? [{ $group: { _id: null, [stage.$count]: { $sum: 1 } } }, { $project: { _id: 0 } }]
        : undefined,
  },
] as const;

/** What MongoDB returns for `pipeline` over `docs`: mingo, with the stages above rewritten (inside `$facet` too). */
export function referenceAggregate(pipeline: readonly unknown[], docs: readonly unknown[]): Record<string, unknown>[] {
  const rewrite = (stages: readonly unknown[]): Record<string, unknown>[] =>
    stages.flatMap((stage) => {
      const s = stage as Record<string, unknown>;
      for (const d of STAGE_DEVIATIONS) {
        const out = d.rewrite(s);
        if (out) return out;
      }
      if (s.$facet !== undefined)
        return [
          {
            $facet: Object.fromEntries(
              Object.entries(s.$facet as Record<string, unknown[]>).map(([k, sub]) => [k, rewrite(sub)]),
            ),
          },
        ];
      return [s];
    });
  return new Aggregator(rewrite(pipeline)).run(docs as Record<string, unknown>[]) as Record<string, unknown>[];
}

export { MISSING };
export type { Version };
