/**
 * How the SQL expression writes each leaf test on one column, in a dialect's words
 * (dialect.ts): keyed by every leaf test and checked with `satisfies`, like the MongoDB and
 * predicate targets' tables, so that a new leaf test fails the build here until SQL says
 * what it means.
 *
 * - Two-valued logic: a comparison with a NULL column is NULL, which a `WHERE` treats as
 *   false; each part says whether it can be NULL, so that a NOT above it coalesces it.
 * - Indexes: a positive `eq`, range or `in` is the plain, sargable comparison.
 * - A text operand with NUL, which no stored text can hold: equality and substring tests
 *   with it are false, list items with it are dropped, and a range compares with the text
 *   before the NUL (nothing lies between that prefix and the operand in code point order).
 */
import type { LeafTest, Operand } from "../../language/operators.js";
import type { SqlDialect } from "./dialect.js";

/** A part of the expression, and whether it can be NULL (then a NOT must coalesce it). */
export interface Part {
  readonly sql: string;
  readonly nullable: boolean;
}

/** The column a leaf tests, and what its catalog field holds. */
export interface SqlColumn {
  /** The column, qualified and quoted. */
  readonly sql: string;
  /** Text (a string or enum field): ranges compare by code point. */
  readonly text: boolean;
  /** Floating point (a number, or a date stored as epoch milliseconds): it may hold NaN. */
  readonly float: boolean;
}

/** What a leaf's SQL is written with: the dialect, and the statement's parameters. */
export interface SqlWriter {
  readonly dialect: SqlDialect;
  /** Adds a value to the parameters; returns its placeholder. */
  param(value: unknown): string;
}

type SqlLeaf = (column: SqlColumn, value: Operand, w: SqlWriter) => Part;

/** A value as the column receives it: a Date as the dialect passes dates. */
const bound = (w: SqlWriter, value: unknown): unknown => (value instanceof Date ? w.dialect.date(value) : value);

const hasNul = (value: unknown): boolean => typeof value === "string" && value.includes("\0");

const falsePart = (w: SqlWriter): Part => ({ sql: w.dialect.false, nullable: false });

/** Text before a NUL: what a range with a NUL operand compares with (see the header). */
const beforeNul = (s: string): string => {
  const at = s.indexOf("\0");
  return at < 0 ? s : s.slice(0, at);
};

/** A range test; `above` for gt and gte, below for lt and lte. */
function range(op: ">" | ">=" | "<" | "<=", above: boolean): SqlLeaf {
  return (column, value, w) => {
    if (column.text) {
      const s = value as string;
      // With a NUL, compare with the text before it: above it is `>`, at or below it `<=`.
      const nulOp = hasNul(s) ? (above ? ">" : "<=") : op;
      return { sql: `${w.dialect.codePoint(column.sql)} ${nulOp} ${w.param(beforeNul(s))}`, nullable: true };
    }
    const compared = `${column.sql} ${op} ${w.param(bound(w, value))}`;
    const notNaN = column.float ? w.dialect.notNaN(column.sql, above) : undefined;
    return { sql: notNaN === undefined ? compared : `(${compared} AND ${notNaN})`, nullable: true };
  };
}

/** A substring test, as the dialect writes it. */
function substring(test: "contains" | "startsWith" | "endsWith"): SqlLeaf {
  return (column, value, w) => {
    if (hasNul(value)) return falsePart(w);
    return { sql: w.dialect[test](column.sql, w.param(value)), nullable: true };
  };
}

export const SQL_LEAVES = {
  eq: (column, value, w) =>
    hasNul(value) ? falsePart(w) : { sql: `${column.sql} = ${w.param(bound(w, value))}`, nullable: true },
  gt: /* @__PURE__ */ range(">", true),
  gte: /* @__PURE__ */ range(">=", true),
  lt: /* @__PURE__ */ range("<", false),
  lte: /* @__PURE__ */ range("<=", false),
  in: (column, value, w) => {
    const items = (value as readonly unknown[]).filter((v) => !hasNul(v)).map((v) => bound(w, v));
    if (items.length === 0) return falsePart(w);
    return { sql: w.dialect.oneOf(column.sql, items, (v) => w.param(v)), nullable: true };
  },
  contains: /* @__PURE__ */ substring("contains"),
  startsWith: /* @__PURE__ */ substring("startsWith"),
  endsWith: /* @__PURE__ */ substring("endsWith"),
  null: (column) => ({ sql: `${column.sql} IS NULL`, nullable: false }),
} satisfies { readonly [K in LeafTest]: SqlLeaf } as { readonly [K in LeafTest]: SqlLeaf };
