/**
 * What the SQL target writes differently per database: the engine (sql.ts) and the leaf
 * table (leaves.ts) write standard SQL (AND, OR, NOT, COALESCE, IS NULL, `=`, `<`, EXISTS)
 * and ask the dialect for the rest, so that another database is one new file beside
 * postgres.ts, with no edit to the engine.
 */
import type { IdentifierProblem } from "../../errors.js";

/** Adds a value to the statement's parameters; returns its placeholder. */
export type AddParameter = (value: unknown) => string;

export interface SqlDialect {
  /** The database's name, as messages say it ("beyond PostgreSQL's 65535"). */
  readonly name: string;
  /** An identifier quoted, or why it cannot be one (options are checked with it when read). */
  quoteIdentifier(
    name: unknown,
  ): { readonly quoted: string } | { readonly problem: IdentifierProblem; readonly maximum?: number };
  /** The placeholder of the statement's `n`th parameter (from 1). */
  placeholder(n: number): string;
  /** The most parameters one statement may have. */
  readonly maxParameters: number;
  /** The boolean literals. */
  readonly true: string;
  readonly false: string;
  /** A date operand as the column receives it as a parameter (epoch-millisecond columns get numbers, not Dates). */
  date(value: Date): unknown;
  /** A text expression compared by code point, whatever the database's or the column's collation. */
  codePoint(text: string): string;
  /** `expression` equals one of `items` (each parameters through `add`, as the dialect passes lists). */
  oneOf(expression: string, items: readonly unknown[], add: AddParameter): string;
  /** The array column `column` shares an item with `items` (the `ids` topic layout); NULL or empty shares none. */
  overlaps(column: string, items: readonly unknown[], add: AddParameter): string;
  /**
   * That a float column is not NaN, where a range test above (gt, gte) or below (lt, lte) an
   * operand could pass a stored NaN in the database's order (MongoDB never compares NaN);
   * undefined where it cannot.
   */
  notNaN(column: string, above: boolean): string | undefined;
  /**
   * The substring tests of a text column with the text parameter `placeholder`: by code
   * point, case-sensitive, with no character of the operand acting as a wildcard or escape.
   */
  contains(column: string, placeholder: string): string;
  startsWith(column: string, placeholder: string): string;
  endsWith(column: string, placeholder: string): string;
}
