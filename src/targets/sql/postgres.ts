/**
 * The PostgreSQL dialect (13 and later), in node-postgres' convention (`$n` placeholders,
 * arrays as one parameter), which `pg` and PGlite both take.
 *
 * - Identifiers are quoted (`"` doubled), at most 63 bytes (PostgreSQL truncates longer ones).
 * - Strings order by code point (`COLLATE "C"`), whatever the database's collation;
 *   substring tests use `strpos`/`starts_with`/`right`, never a LIKE pattern, with the
 *   operand cast to `text` (a parameter compared with a function's result has no type).
 * - A NaN in a `double precision` column is above every number in PostgreSQL, and never
 *   compared in MongoDB: a range that could pass it excludes it.
 * - A Date goes as timestamptz text PostgreSQL reads exactly (see {@link timestamp}).
 * - A list is one array parameter (`= ANY($n)`); the array topics column is overlapped
 *   (`&&`) with one, which takes the column's array type (text[], varchar[], uuid[]…).
 */
import type { IdentifierProblem } from "../../errors.js";
import type { SqlDialect } from "./dialect.js";

/** PostgreSQL's longest identifier, in bytes (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

const codePoint = (text: string): string => `${text} COLLATE "C"`;
const asText = (placeholder: string): string => `${placeholder}::text`;

/**
 * An identifier quoted for PostgreSQL (`"` doubled), or why it cannot be one. Exported on its
 * own for readSql and the members table, which check names with it without the rest of the
 * dialect.
 */
export function quotePostgresIdentifier(
  name: unknown,
): { quoted: string } | { problem: IdentifierProblem; maximum?: number } {
  if (typeof name !== "string" || name === "") return { problem: "empty" };
  // Each UTF-16 unit is at least one UTF-8 byte: a longer string is refused before it is read.
  if (name.length > MAX_IDENTIFIER_BYTES) return { problem: "too_long", maximum: MAX_IDENTIFIER_BYTES };
  if (name.includes("\0") || !name.isWellFormed()) return { problem: "malformed" };
  if (new TextEncoder().encode(name).length > MAX_IDENTIFIER_BYTES)
    return { problem: "too_long", maximum: MAX_IDENTIFIER_BYTES };
  return { quoted: `"${name.replace(/"/g, '""')}"` };
}

export const postgres: SqlDialect = /* @__PURE__ */ Object.freeze<SqlDialect>({
  name: "PostgreSQL",
  quoteIdentifier: quotePostgresIdentifier,
  placeholder: (n: number) => `$${n}`,
  // The wire protocol counts parameters in 16 bits.
  maxParameters: 65_535,
  true: "TRUE",
  false: "FALSE",
  date: (value: Date) => timestamp(value),
  codePoint,
  oneOf: (expression, items, add) => `${expression} = ANY(${add(items)})`,
  // No cast: the parameter takes the column's array type.
  overlaps: (column, items, add) => `${column} && ${add(items)}`,
  // NaN is above every number in PostgreSQL's order.
  notNaN: (column, above) => (above ? `${column}::float8 <> 'NaN'::float8` : undefined),
  contains: (column, placeholder) => `strpos(${codePoint(column)}, ${asText(placeholder)}) > 0`,
  startsWith: (column, placeholder) => `starts_with(${codePoint(column)}, ${asText(placeholder)})`,
  endsWith: (column, placeholder) =>
    `right(${column}, char_length(${asText(placeholder)})) = ${codePoint(asText(placeholder))}`,
});

/**
 * A Date as timestamptz text: ISO for years 1–9999; PostgreSQL's own form (with "BC") beyond;
 * and -infinity before its first day (4713 BC), which every storable time is after, as it
 * is after the Date.
 */
function timestamp(d: Date): string {
  const year = d.getUTCFullYear();
  if (year >= 1 && year <= 9999) return d.toISOString();
  if (year < -4712) return "-infinity";
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  const bc = year <= 0;
  return `${pad(bc ? 1 - year : year, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+00${bc ? " BC" : ""}`;
}
