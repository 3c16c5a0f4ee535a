/**
 * MongoDB's matching rule for one filter leaf, written from the server's code and tests
 * (src/mongo/db/matcher/path.cpp, ported in mongo-path.ts; expression_leaf.cpp and
 * matcher_single_element_match.cpp; jstests/core/query/null_query_semantics.js) as plainly
 * as possible: first list every candidate value the path yields, then test each. It
 * deliberately shares no code with src/, and is used only where mingo departs from MongoDB
 * (see deviations.ts). Values the driver decodes are read as MongoDB stores them: a
 * BSONSymbol is a string, a DBRef a document (in the port), a Date with time NaN epoch 0.
 */

import { elementsAt, ITERATOR_EOO } from "./mongo-path.js";

export const MISSING = Symbol("missing");
type Candidate = unknown;

/** The server versions the rule can answer for (see src/language/versions.ts, which this file does not import). */
export type Version = "7.0" | "8.0" | "9.0";

/**
 * Every value MongoDB's path iterator offers to a leaf operator, `MISSING` included, from
 * the port of the server's iterator (mongo-path.ts). With `expandLeafArrays: false` (as
 * for `$elemMatch`), an array at the end is offered only whole.
 */
export function candidates(doc: unknown, path: string, expandLeafArrays = true, version: Version = "8.0"): Candidate[] {
  return elementsAt(doc, path, {
    leafArrayBehavior: expandLeafArrays ? "traverse" : "noTraversal",
    nullThroughArrays: version === "9.0",
  }).map((e) => (e === ITERATOR_EOO ? MISSING : e));
}

/** Code point order, by comparing arrays of code points (no UTF-16 shortcuts). */
export function compareByCodePoint(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** A BSONSymbol compares as the string it holds; anything else is itself. */
function stored(v: Candidate): Candidate {
  if (typeof v === "object" && v !== null && (v as { _bsontype?: unknown })._bsontype === "BSONSymbol")
    return String((v as { value: unknown }).value);
  return v;
}

/** The time MongoDB stores for a Date: the driver writes an invalid Date as epoch 0. */
function storedTime(d: Date): number {
  return Number.isNaN(d.getTime()) ? 0 : d.getTime();
}

type BsonType = "missing" | "null" | "undefined" | "number" | "string" | "boolean" | "other";
function bsonType(v: Candidate): BsonType {
  if (v === MISSING) return "missing";
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  if (typeof v === "number") return "number";
  if (typeof v === "string") return "string";
  if (typeof v === "boolean") return "boolean";
  return "other";
}

/** -1/0/1 within one type, or undefined across types or with NaN (which compares false). */
function compare(candidate: Candidate, b: unknown): number | undefined {
  const a = stored(candidate);
  if (a instanceof Date || b instanceof Date) {
    if (!(a instanceof Date && b instanceof Date)) return undefined;
    return Math.sign(storedTime(a) - storedTime(b));
  }
  const ta = bsonType(a);
  if (ta !== bsonType(b) || ta === "other" || ta === "missing" || ta === "null" || ta === "undefined") return undefined;
  if (ta === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) return undefined;
    return Math.sign((a as number) - (b as number));
  }
  if (ta === "string") return Math.sign(compareByCodePoint(a as string, b as string));
  return Math.sign(Number(a) - Number(b));
}

/** Null equality: a missing value or null; before 8.0 also the deprecated BSON undefined ("Compatibility Changes in MongoDB 8.0"). */
function equals(c: Candidate, v: unknown, version: Version): boolean {
  if (v === null) return c === MISSING || c === null || (version === "7.0" && c === undefined);
  return compare(c, v) === 0;
}

/** Whether `doc` matches `{ [path]: { [op]: operand } }` on a MongoDB server of `version`. */
export function mongoLeafMatches(
  doc: unknown,
  path: string,
  op: string,
  operand: unknown,
  version: Version = "8.0",
): boolean {
  const cs = candidates(doc, path, true, version);
  switch (op) {
    case "$eq":
      return cs.some((c) => equals(c, operand, version));
    case "$ne":
      return !cs.some((c) => equals(c, operand, version));
    case "$in":
      return cs.some((c) => (operand as unknown[]).some((v) => equals(c, v, version)));
    case "$nin":
      return !cs.some((c) => (operand as unknown[]).some((v) => equals(c, v, version)));
    case "$gt":
      return cs.some((c) => compare(c, operand) === 1);
    case "$gte":
      return cs.some((c) => {
        const o = compare(c, operand);
        return o === 1 || o === 0;
      });
    case "$lt":
      return cs.some((c) => compare(c, operand) === -1);
    case "$lte":
      return cs.some((c) => {
        const o = compare(c, operand);
        return o === -1 || o === 0;
      });
    case "$elemMatch":
      // The object form: some element of an array at the path is a document matching every clause.
      return candidates(doc, path, false, version).some(
        (c) =>
          Array.isArray(c) &&
          c.some(
            (element) =>
              typeof element === "object" &&
              element !== null &&
              !Array.isArray(element) &&
              !(element instanceof Date) &&
              Object.entries(operand as Record<string, Record<string, unknown>>).every(([p, ops]) =>
                Object.entries(ops).every(([o, v]) => mongoLeafMatches(element, p, o, v, version)),
              ),
          ),
      );
    case "$not":
      return !Object.entries(operand as Record<string, unknown>).every(([o, v]) =>
        mongoLeafMatches(doc, path, o, v, version),
      );
    case "$regex":
      // Only the patterns segmatch emits (escaped literal, `^`, end lookahead), which mean the same in PCRE and JS.
      return cs.some((c) => typeof stored(c) === "string" && new RegExp(operand as string).test(stored(c) as string));
    default:
      throw new Error(`mongo-rule: operator ${op} not modelled`);
  }
}
