/**
 * Values as the official driver hands them over, read the way MongoDB stores them. With
 * `promoteValues: false` (or from old data) a document may hold a `BSONSymbol`, which
 * MongoDB compares and regex-matches as a string; a `DBRef`, which MongoDB stores as the
 * embedded document `{ $ref, $id, $db?, ...fields }`; and a `Date` whose time is NaN,
 * which the driver serializes as epoch 0.
 */
import { EMPTY_DOC } from "./plain.js";

/** A `BSONSymbol` (any bson version: it carries `_bsontype` and its text as `value`). */
export function isBsonSymbol(x: unknown): x is { readonly value: string } {
  return (
    typeof x === "object" &&
    x !== null &&
    (x as { _bsontype?: unknown })._bsontype === "BSONSymbol" &&
    typeof (x as { value?: unknown }).value === "string"
  );
}

/** A `DBRef`'s extra fields: the only part of it a path without `$` segments can reach. */
export function dbRefFields(x: object): Record<string, unknown> | undefined {
  if ((x as { _bsontype?: unknown })._bsontype !== "DBRef") return undefined;
  const fields = (x as { fields?: unknown }).fields;
  return typeof fields === "object" && fields !== null && !Array.isArray(fields)
    ? (fields as Record<string, unknown>)
    : EMPTY_DOC;
}

/** The stored time of a Date: an invalid Date (time NaN) is written as epoch 0 by the driver. */
export function dateTime(d: Date): number {
  const t = d.getTime();
  return t === t ? t : 0;
}

/** The text of a string or of a BSONSymbol (a string to MongoDB), else undefined. */
export function stringValue(x: unknown): string | undefined {
  return typeof x === "string" ? x : isBsonSymbol(x) ? x.value : undefined;
}
