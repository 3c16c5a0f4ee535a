/**
 * A port of the MongoDB server's path iteration, for the test oracle only: `BSONElementIterator`
 * (src/mongo/db/matcher/path.cpp) and `getFieldDottedOrArray` (path_internal.cpp), kept as
 * close to the C++ as JavaScript allows, state by state, so that it can be read side by
 * side with the server's code. It shares no code with src/.
 *
 * A document is a JavaScript object as the driver decodes BSON: an element is "EOO" (no
 * element) when a field is absent. The iterator yields every element a leaf match
 * expression would be offered, EOO included; `ITERATOR_EOO` stands for it.
 *
 * `nullThroughArrays` switches on MongoDB 9.0's change (SERVER-36681, "Null Comparisons on
 * Dotted Paths That Traverse Arrays"; path.cpp at commit e4fc4fa9, the server knob
 * `internalQueryLegacyDottedPathNullSemantics` false): see `inArray`. Without it, this is
 * the iterator of 6.0–8.0 (path.cpp at commit 1d424104).
 */

export const ITERATOR_EOO = Symbol("EOO");
type Element = unknown;

export type LeafArrayBehavior = "traverse" | "noTraversal" | "traverseOmitArray";

export interface ElementPath {
  readonly parts: readonly string[];
  readonly leafArrayBehavior: LeafArrayBehavior;
  readonly nullThroughArrays: boolean;
}

type BsonKind = "eoo" | "object" | "array" | "other";

/** The BSON type class of a decoded value, as far as path iteration cares. */
function kindOf(e: Element): BsonKind {
  if (e === ITERATOR_EOO) return "eoo";
  if (Array.isArray(e)) return "array";
  if (typeof e !== "object" || e === null) return "other";
  if (e instanceof Date || e instanceof RegExp || ArrayBuffer.isView(e)) return "other";
  const bsontype = (e as { _bsontype?: unknown })._bsontype;
  if (bsontype === "DBRef") return "object"; // stored as {$ref, $id, $db?, ...fields}
  if (bsontype !== undefined) return "other";
  return "object";
}

/** `BSONObj::getField`: the named element of an embedded document, or EOO. */
function getField(obj: Element, name: string): Element {
  let fields = obj as Record<string, unknown>;
  if ((obj as { _bsontype?: unknown })._bsontype === "DBRef") {
    const ref = obj as { collection: unknown; oid: unknown; db?: unknown; fields?: Record<string, unknown> };
    // The document the driver writes for a DBRef.
    fields = {
      $ref: ref.collection,
      $id: ref.oid,
      ...(ref.db !== undefined ? { $db: ref.db } : {}),
      ...(ref.fields ?? {}),
    };
  }
  return Object.prototype.hasOwnProperty.call(fields, name) ? fields[name] : ITERATOR_EOO;
}

/** path_internal.cpp `getFieldDottedOrArray`: walk down objects; stop at the first array, or fail at a scalar. */
function getFieldDottedOrArray(
  doc: Element,
  parts: readonly string[],
  startIdx: number,
): { element: Element; idx: number } {
  let res: Element = ITERATOR_EOO;
  let curr = doc;
  let stop = false;
  let partNum = startIdx;
  while (partNum < parts.length && !stop) {
    res = getField(curr, parts[partNum]!);
    switch (kindOf(res)) {
      case "eoo":
        stop = true;
        break;
      case "object":
        curr = res;
        ++partNum;
        break;
      case "array":
        stop = true;
        break;
      default:
        if (partNum + 1 < parts.length) res = ITERATOR_EOO;
        stop = true;
    }
  }
  return { element: res, idx: partNum };
}

/** `BSONElementIterator::ArrayIterationState`. */
class ArrayIterationState {
  readonly restParts: readonly string[];
  readonly hasMore: boolean;
  readonly nextPieceOfPath: string;
  readonly nextPieceOfPathIsNumber: boolean;
  constructor(parts: readonly string[], start: number) {
    this.restParts = parts.slice(start);
    this.hasMore = this.restParts.length > 0;
    this.nextPieceOfPath = this.hasMore ? parts[start]! : "";
    this.nextPieceOfPathIsNumber = this.hasMore && /^[0-9]+$/.test(this.nextPieceOfPath); // str::isAllDigits
  }
  isArrayOffsetMatch(fieldName: string): boolean {
    return this.nextPieceOfPathIsNumber && this.nextPieceOfPath === fieldName;
  }
  nextEntireRest(): boolean {
    return this.restParts.length === 1;
  }
}

/** `BSONElementIterator(path, objectToIterate)`: BEGIN state over a document. */
function* iterateObject(path: ElementPath, obj: Element): Generator<Element> {
  const { element, idx } = getFieldDottedOrArray(obj, path.parts, 0);
  // BEGIN
  if (kindOf(element) !== "array") {
    yield element;
    return;
  }
  const state = new ArrayIterationState(path.parts, idx + 1);
  if (!state.hasMore && path.leafArrayBehavior === "noTraversal") {
    yield element; // the leaf array, whole
    return;
  }
  yield* inArray(path, state, element as readonly Element[], true);
}

/**
 * The IN_ARRAY state (with the sub-iterators of `subCursorHasMore` inlined as recursion).
 * `begin` is whether this array was reached through the BEGIN state (a field of a
 * document), which is when the server's local `emptyArray` flag starts out true; a nested
 * array entered at an array offset starts IN_ARRAY directly, with the flag false. A `yield`
 * here is a `return true` from `more()`, after which the next call starts with the flag false.
 */
function* inArray(
  path: ElementPath,
  state: ArrayIterationState,
  theArray: readonly Element[],
  begin: boolean,
): Generator<Element> {
  const sub = (parts: readonly string[]): ElementPath => ({ ...path, parts });
  let emptyArray = begin;
  for (let k = 0; k < theArray.length; k++) {
    const eltInArray = theArray[k];
    const fieldName = String(k);
    if (!state.hasMore) {
      yield eltInArray; // our path terminates at this array
      emptyArray = false;
      continue;
    }
    if (kindOf(eltInArray) === "object") {
      // The element is a subdocument: the rest of the path (numeric piece included) inside it.
      yield* iterateObject(sub(state.restParts), eltInArray);
      // subCursorHasMore: then, if the element is the offset the path names, look inside it past the offset.
      if (state.isArrayOffsetMatch(fieldName)) {
        if (state.nextEntireRest()) yield eltInArray;
        else yield* iterateObject(sub(state.restParts.slice(1)), eltInArray);
      }
      emptyArray = false;
    } else if (state.isArrayOffsetMatch(fieldName)) {
      if (state.nextEntireRest()) {
        yield eltInArray; // the path ends at the offset: the element as it is
        emptyArray = false;
        continue;
      }
      if (kindOf(eltInArray) === "array") {
        // A nested array at the offset: iterate it IN_ARRAY with the rest of the path.
        const parts = state.restParts.slice(1);
        yield* inArray(sub(parts), new ArrayIterationState(parts, 0), eltInArray as readonly Element[], false);
        emptyArray = false;
      }
      // A scalar at the offset with path left over yields nothing.
    } else if (path.nullThroughArrays && !state.nextPieceOfPathIsNumber) {
      // 9.0: "We cannot traverse the path of this element, so return an empty element to check for a match against eoo."
      yield ITERATOR_EOO;
      emptyArray = false;
    }
  }
  if (state.hasMore) {
    // 9.0: "An empty array, but we have more path to check."
    if (path.nullThroughArrays && emptyArray) yield ITERATOR_EOO;
    return;
  }
  if (path.leafArrayBehavior === "traverseOmitArray") return;
  yield theArray; // the leaf array itself, last
}

/** Every element the server offers a leaf match expression for `dottedPath` on `doc`. */
export function elementsAt(
  doc: Element,
  dottedPath: string,
  options: { leafArrayBehavior?: LeafArrayBehavior; nullThroughArrays?: boolean } = {},
): Element[] {
  const path: ElementPath = {
    parts: dottedPath.split("."),
    leafArrayBehavior: options.leafArrayBehavior ?? "traverse",
    nullThroughArrays: options.nullThroughArrays ?? false,
  };
  return [...iterateObject(path, doc)];
}
