/**
 * MongoDB's dotted-path rule (the classic matcher, servers 6.0–8.0), for one positive test:
 * does any value the path reaches pass? Negations are applied by the caller on the whole
 * result, as MongoDB does for `$ne`, `$nin` and `$nor`.
 *
 * - A path that ends at an array offers each element (one level: `[[1]]` never equals 1).
 *   The array as a whole is offered too in MongoDB, but no leaf test of this language can
 *   match a whole array, so it is skipped.
 * - An array in the middle of a path is searched in its *object* elements only; scalars and
 *   nested arrays are skipped, except that a numeric segment also selects that position
 *   (`a.0` reads `a[0]`, and `"0"` inside every object element). A position selected as
 *   the last segment is offered as it is, without looking inside it.
 * - A path that runs into a scalar, null or a missing field offers "missing" (`undefined`),
 *   which `$eq: null` matches; an array that offers nothing offers no "missing".
 * - Documents are objects as the official driver stores them: any object but an array, a
 *   Date, a RegExp, binary data or a BSON value class (ObjectId, Decimal128…, which carry
 *   `_bsontype`). Those are leaf values with no fields to descend into.
 */
import type { ElementTest } from "../language/operators.js";

const hasOwn = Object.hasOwn;
const getProto = Object.getPrototypeOf;
const ObjectProto = Object.prototype;

/** An embedded document: the only kind of value a path segment can look inside. */
export function isDocument(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = getProto(value);
  if (proto === ObjectProto || proto === null) return true;
  return !(Array.isArray(value) || value instanceof Date || value instanceof RegExp || ArrayBuffer.isView(value) || value instanceof ArrayBuffer || "_bsontype" in value);
}

/** An own field of a document; inherited properties (`toString`, …) are not fields. */
export function field(doc: Record<string, unknown>, key: string): unknown {
  return hasOwn(doc, key) ? doc[key] : undefined;
}

/** The array position a segment names, or -1: only canonical non-negative integers do. */
export function segmentIndex(segment: string): number {
  return /^(?:0|[1-9][0-9]{0,8})$/.test(segment) ? Number(segment) : -1;
}

/** A path prepared once: its segments and, for each, the array position it may name. */
export interface PreparedPath {
  readonly segments: readonly string[];
  readonly indexes: readonly number[];
}

export function preparePath(segments: readonly string[]): PreparedPath {
  return { segments, indexes: segments.map(segmentIndex) };
}

/**
 * Does any value reached by `path` from `value` (at segment `i`) pass `test`? With
 * `wholeArrays`, only arrays the path ends at are offered, whole: the candidates of
 * `$elemMatch`, which never looks at a value that is not an array.
 */
export function anyAtPath(value: unknown, path: PreparedPath, i: number, test: ElementTest, wholeArrays = false): boolean {
  const { segments } = path;
  if (i === segments.length) {
    if (wholeArrays) return Array.isArray(value) && test(value);
    if (!Array.isArray(value)) return test(value);
    for (let k = 0; k < value.length; k++) if (test(value[k])) return true;
    return false;
  }
  if (Array.isArray(value)) {
    const segment = segments[i] as string;
    const index = path.indexes[i] as number;
    const last = i + 1 === segments.length;
    for (let k = 0; k < value.length; k++) {
      const element: unknown = value[k];
      if (isDocument(element) && anyAtPath(field(element, segment), path, i + 1, test, wholeArrays)) return true;
      if (k === index && (last ? (!wholeArrays || Array.isArray(element)) && test(element) : anyAtPath(element, path, i + 1, test, wholeArrays))) return true;
    }
    return false;
  }
  if (isDocument(value)) return anyAtPath(field(value, segments[i] as string), path, i + 1, test, wholeArrays);
  return !wholeArrays && test(undefined);
}
