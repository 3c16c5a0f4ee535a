/**
 * MongoDB's dotted-path rule, for one positive test: does any value the path reaches pass?
 * Negations are applied by the caller on the whole result, as MongoDB does for `$ne`,
 * `$nin` and `$nor`. This follows the server's path iterator (`BSONElementIterator` in
 * src/mongo/db/matcher/path.cpp), which test/reference/mongo-path.ts ports line by line
 * and a property test compares with this file:
 *
 * - A path that ends at an array offers each element (one level: `[[1]]` never equals 1).
 *   The array as a whole is offered too in MongoDB, but no leaf test of this language can
 *   match a whole array, so it is skipped (except for `$elemMatch`, see `wholeArrays`).
 * - An array in the middle of a path is searched in its *object* elements; a numeric
 *   segment also selects that position (`a.0` reads `a[0]`, and key `"0"` inside every
 *   object element). A position selected as the last segment is offered as it is; one
 *   selected with path left over is looked into only when it is a document or an array:
 *   a scalar there yields no value at all, not "missing".
 * - A path that runs into a scalar, null or a missing field outside an array yields
 *   {@link MISSING}, which `$eq: null` matches.
 * - From MongoDB 9.0 (`nullThroughArrays`), an array in the middle of a path also yields
 *   MISSING when it is empty, and for each element that is neither a document nor a
 *   position the path selects (SERVER-36681).
 * - Documents are objects as the official driver stores them: any object but an array, a
 *   Date, a RegExp, binary data or a BSON value class (ObjectId, Decimal128…, which carry
 *   `_bsontype`). A `DBRef` is the embedded document MongoDB stores for it: its extra
 *   `fields` are readable by path.
 */
import { dbRefFields } from "./bson.js";

/** A test of one value found at a path (an array's elements are each offered in turn). */
export type ElementTest = (value: unknown) => boolean;

/** What a path yields where it finds no field: distinct from a field that holds `undefined` (BSON undefined). */
export const MISSING: unique symbol = Symbol("segmatch.missing");

const hasOwn = Object.hasOwn;
const getProto = Object.getPrototypeOf;
const ObjectProto = Object.prototype;
const isArray = Array.isArray;

/** The fields of an embedded document, or undefined when `value` is not one (a scalar, an array, a BSON value…). */
export function asDocument(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const proto: unknown = getProto(value);
  if (proto === ObjectProto || proto === null) return value as Record<string, unknown>;
  if (
    isArray(value) ||
    value instanceof Date ||
    value instanceof RegExp ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer
  )
    return undefined;
  if ("_bsontype" in value) return dbRefFields(value);
  return value as Record<string, unknown>;
}

/** An embedded document: the only kind of value a path segment can look inside. */
export function isDocument(value: unknown): boolean {
  return asDocument(value) !== undefined;
}

/** An own field of a document, or MISSING; inherited properties (`toString`, …) are not fields. */
export function field(doc: Record<string, unknown>, key: string): unknown {
  return hasOwn(doc, key) ? doc[key] : MISSING;
}

/** The array position a segment names, or -1: only canonical non-negative integers do. */
function segmentIndex(segment: string): number {
  return allDigits(segment) && (segment.length === 1 || segment.charCodeAt(0) !== 48) ? Number(segment) : -1;
}

/** Whether a segment is one or more ASCII digits. */
function allDigits(segment: string): boolean {
  if (segment.length === 0) return false;
  for (let i = 0; i < segment.length; i++) {
    const c = segment.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** A path prepared once: its segments, for each the array position it may name, and the server's array rule. */
export interface PreparedPath {
  readonly segments: readonly string[];
  readonly indexes: readonly number[];
  /** Whether each segment is all digits (the server's `nextPieceOfPathIsNumber`, leading zeros included). */
  readonly numeric: readonly boolean[];
  /** MongoDB 9.0's rule: arrays in the middle of the path yield MISSING for what they cannot descend into. */
  readonly nullThroughArrays: boolean;
}

export function preparePath(segments: readonly string[], nullThroughArrays = false): PreparedPath {
  return { segments, indexes: segments.map(segmentIndex), numeric: segments.map(allDigits), nullThroughArrays };
}

/** Counts the calls of one evaluation (a predicate's, or a bulk pass's per document): what is read in one call is shared only within it. */
export interface Clock {
  now: number;
}

/**
 * The values a path reaches in a document, read once per call of the evaluation that
 * shares it, and offered to every test on that path: for long paths that several leaves of
 * one condition read, so that the walk is paid once, not once per leaf. The same document
 * in a later call (which may have changed it) is read again.
 */
export class PathValues {
  #doc: unknown = MISSING;
  #at = -1;
  #values: unknown[] = [];
  constructor(
    readonly path: PreparedPath,
    private readonly clock: Clock,
  ) {}

  /** Forgets the document and values read (at the end of a call). */
  clear(): void {
    this.#doc = MISSING;
    this.#values = [];
  }

  /** Whether any value the path reaches in `doc` passes `test` (as {@link anyAtPath} from the start of the path). */
  any(doc: unknown, test: ElementTest): boolean {
    if (doc !== this.#doc || this.#at !== this.clock.now) {
      const values: unknown[] = [];
      anyAtPath(doc, this.path, 0, (x) => {
        values.push(x);
        return false;
      });
      this.#values = values;
      this.#doc = doc;
      this.#at = this.clock.now;
    }
    const values = this.#values;
    for (let i = 0; i < values.length; i++) if (test(values[i])) return true;
    return false;
  }
}

/**
 * Does any value reached by `path` from `value` (at segment `i`) pass `test`? With
 * `wholeArrays`, only arrays the path ends at are offered, whole: the candidates of
 * `$elemMatch`, which never looks at a value that is not an array.
 */
export function anyAtPath(
  value: unknown,
  path: PreparedPath,
  i: number,
  test: ElementTest,
  wholeArrays = false,
  seen?: Seen,
): boolean {
  const { segments } = path;
  if (i === segments.length) {
    if (wholeArrays) return isArray(value) && test(value);
    if (!isArray(value)) return test(value);
    for (let k = 0; k < value.length; k++) if (test(value[k])) return true;
    return false;
  }
  if (isArray(value)) return anyInArray(value, path, i, test, wholeArrays, true, seen);
  const doc = asDocument(value);
  if (doc !== undefined) {
    // Met again at the same segment (two ways down meet): what it offers was offered, and did not pass.
    if (seen !== undefined && again(seen, doc, i)) return false;
    return anyAtPath(field(doc, segments[i] as string), path, i + 1, test, wholeArrays, seen);
  }
  return !wholeArrays && test(MISSING);
}

/**
 * The documents met at each segment, once a walk has gone two ways from one element (a
 * document at the position a numeric segment selects is read both through its field and as
 * itself). The ways can meet again: without this, `{0: [{0: [{0: …}]}]}` 45 levels deep
 * costs 2^45 steps for 45 segments; with it, at most one visit per document and segment.
 * The tests only ask whether any value passes, so a value offered twice is offered once.
 */
type Seen = Map<object, Set<number>>;

function again(seen: Seen, doc: object, i: number): boolean {
  let at = seen.get(doc);
  if (at === undefined) seen.set(doc, (at = new Set()));
  if (at.has(i)) return true;
  at.add(i);
  return false;
}

/**
 * An array met at segment `i`, with path left: the server's `IN_ARRAY` state. `fresh` is
 * whether the array was the value of a field (the iterator's BEGIN state), rather than an
 * array nested at the position a numeric segment selects.
 */
function anyInArray(
  array: readonly unknown[],
  path: PreparedPath,
  i: number,
  test: ElementTest,
  wholeArrays: boolean,
  fresh: boolean,
  seen: Seen | undefined,
): boolean {
  const segment = path.segments[i] as string;
  const index = path.indexes[i] as number;
  const last = i + 1 === path.segments.length;
  // 9.0: an element the path cannot go on through yields MISSING, unless the next segment is a number.
  const nullThrough = path.nullThroughArrays && !wholeArrays;
  const missingPerElement = nullThrough && !(path.numeric[i] as boolean);
  /** Whether the iterator went into a document or a nested array, or offered a value: then a fresh array yields no MISSING at its end. */
  let went = false;
  for (let k = 0; k < array.length; k++) {
    const element: unknown = array[k];
    const doc = asDocument(element);
    if (doc !== undefined) {
      went = true;
      if (k === index && !last) {
        // Two ways down from one document: through its field, and as itself at the next segment.
        seen ??= new Map();
        if (anyAtPath(field(doc, segment), path, i + 1, test, wholeArrays, seen)) return true;
        if (anyAtPath(doc, path, i + 1, test, wholeArrays, seen)) return true;
        continue;
      }
      if (anyAtPath(field(doc, segment), path, i + 1, test, wholeArrays, seen)) return true;
      if (k === index && !wholeArrays && test(element)) return true;
    } else if (k === index) {
      if (last) {
        went = true;
        if ((!wholeArrays || isArray(element)) && test(element)) return true;
      } else if (isArray(element)) {
        went = true;
        if (anyInArray(element, path, i + 1, test, wholeArrays, false, seen)) return true;
      }
      // A scalar at the position with path left over yields nothing at all.
    } else if (missingPerElement) {
      went = true;
      if (test(MISSING)) return true;
    }
  }
  // 9.0: a fresh array that yielded nothing ("an empty array, but we have more path to check") yields MISSING.
  return nullThrough && fresh && !went && test(MISSING);
}
