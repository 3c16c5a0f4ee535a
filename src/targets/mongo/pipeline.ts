/**
 * Many filters' counts in one MongoDB aggregation, one pass over the collection.
 *
 * `$facet` hands each input document once to every sub-pipeline, and each sub-pipeline is
 * `[{ $match: filter }, { $count: "n" }]`: the `$match` is the filter `countDocuments` would
 * run, so each count keeps MongoDB's query semantics exactly (an aggregation expression such
 * as `$sum: { $cond: … }` would not: it compares and traverses arrays by other rules). The
 * facets are named `s0`, `s1`, … (never a caller's string: an id may hold `$` or `.`), and a
 * final `$project` turns each facet into a number, 0 for a facet that counted nothing.
 */
import type { MongoFilter } from "./filter.js";

/** An aggregation pipeline, as the official driver's `aggregate` accepts it. */
export type MongoPipeline = readonly MongoFilter[];

const freeze = Object.freeze;

/** The output field of the `i`th filter's count. */
export const countField = (i: number): string => `s${i}`;

/**
 * One aggregation that counts the documents each filter matches. With no filters it reads
 * at most one document and counts nothing (`$facet` must have a sub-pipeline).
 */
export function countManyPipeline(filters: readonly MongoFilter[]): MongoPipeline {
  if (filters.length === 0) return freeze([freeze({ $limit: 1 }), freeze({ $project: freeze({ _id: 1 }) })]);
  const facet: Record<string, unknown> = {};
  const project: Record<string, unknown> = {};
  filters.forEach((filter, i) => {
    const name = countField(i);
    facet[name] = freeze([freeze({ $match: filter }), freeze({ $count: "n" })]);
    project[name] = freeze({ $ifNull: freeze([freeze({ $arrayElemAt: freeze([`$${name}.n`, 0]) }), 0]) });
  });
  return freeze([freeze({ $facet: freeze(facet) }), freeze({ $project: freeze(project) })]);
}
