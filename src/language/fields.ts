/**
 * What the language knows of a field: its type and, for dates, how the value is stored. A
 * catalog (catalog/) gives each field its type; a leaf of the AST refers to its field by a
 * {@link FieldRef} (ast.ts), which every target reads.
 */

export const FIELD_TYPES = ["string", "number", "boolean", "date", "enum"] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const DATE_STORAGES = ["date", "epochMillis"] as const;
/** How a date is stored: a BSON/JS `Date` (the default), or a number of epoch milliseconds. */
export type DateStorage = (typeof DATE_STORAGES)[number];
