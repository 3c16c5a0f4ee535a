/**
 * Plain data: the objects a document is made of, as the driver hands them over (a plain
 * object, or one with a null prototype). Every layer asks this one question the same way.
 */

/** A plain object or a null-prototype one: not an array, a Date, a Map, a BSON value or a class instance. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The fields of a value that is not a document: none. Frozen, shared. */
export const EMPTY_DOC: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** The own enumerable properties of a plain-data object, each read exactly once; undefined for a non-object or an array. */
export function ownValues(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value)) out[key] = (value as Record<string, unknown>)[key];
  return out;
}
