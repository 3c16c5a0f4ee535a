/**
 * AST → a PostgreSQL boolean expression (13 and later) for a `WHERE` clause, with `$n`
 * placeholders: the contacts table's row stands for the document in which every non-NULL
 * column gives its catalog field a value and a NULL column leaves the field missing; topics
 * come from a `text[]` column or a join table. `WHERE <expression>` selects a row exactly
 * when the in-memory predicate accepts that document (a property test over a real
 * PostgreSQL checks it).
 *
 * - Two-valued logic: a comparison with a NULL column is NULL, which a `WHERE` treats as
 *   false, and so does every AND/OR above it; only a NOT could turn it into true. So each
 *   NOT wraps what it negates in `COALESCE(…, false)` (where it can be NULL), and `ne`,
 *   `nin`, `notSubscribedToTopic` and `$not` match contacts whose column is NULL, as
 *   MongoDB's `$ne`, `$nin` and `$nor` match missing fields.
 * - Indexes: a positive `eq`, range or `in` is the plain, sargable comparison.
 * - Strings order by code point (`COLLATE "C"`), whatever the database's collation;
 *   substring tests use `strpos`/`starts_with`/`right`, never a LIKE pattern.
 * - A NaN in a `double precision` column never passes a range test (PostgreSQL orders NaN
 *   above every number; MongoDB never compares it); -0 equals 0 in both.
 * - A text operand with NUL, which no stored text can hold: equality and substring tests
 *   with it are false, list items with it are dropped, and a range compares with the text
 *   before the NUL (nothing lies between that prefix and the operand in code point order).
 * - Every identifier is quoted and every value is a parameter.
 */
import { ConditionError, type ConditionIssue } from "../../errors.js";
import { fold, type LeafNode, type Node } from "../../language/ast.js";
import type { Operand } from "../../language/operators.js";
import type { ResolvedField } from "../../catalog/catalog.js";
import { quoteIdentifier, type ResolvedOptions, type ResolvedSql } from "../../options.js";

/**
 * A parameterised SQL expression, in node-postgres' convention: pass it as it is, e.g.
 * `client.query(\`SELECT … WHERE ${where.text}\`, where.values)` with `pg` or PGlite.
 *
 * `values` is typed as a mutable `unknown[]` because that is what those clients' signatures
 * take (`pg`'s `any[]`, PGlite's `any[]`); a `readonly unknown[]` would make every caller
 * write `[...where.values]`. It is honest: every call of `toSql` (or `membershipChangeSql`)
 * builds a fresh array, and its list parameters, that belong to the caller alone and are not
 * frozen, so a client or a caller that appends to it (to add parameters of its own, say)
 * changes nothing but that copy. The expression object itself is frozen.
 */
export interface SqlExpression {
  readonly text: string;
  readonly values: unknown[];
}

/** A part of the expression, and whether it can be NULL (then a NOT must coalesce it). */
interface Part {
  readonly sql: string;
  readonly nullable: boolean;
}

const TRUE: Part = { sql: "TRUE", nullable: false };
const FALSE: Part = { sql: "FALSE", nullable: false };
const JOIN_ALIAS = '"segmatch_topic"';

class SqlBuilder {
  readonly values: unknown[] = [];
  constructor(
    private readonly sql: ResolvedSql,
    private readonly fields: ReadonlyMap<string, ResolvedField>,
  ) {}

  param(value: unknown): string {
    this.values.push(value);
    return `$${this.sql.paramOffset + this.values.length}`;
  }

  column(field: ResolvedField): string {
    return `${this.sql.table}.${this.sql.columns?.get(field.name) ?? quote(field.name)}`;
  }

  /** A value as the column's type receives it: a Date of a timestamptz column as text PostgreSQL reads exactly. */
  value(v: Operand | Date): unknown {
    return v instanceof Date ? timestamp(v) : v;
  }

  /** A constant of the library (not user data), as one parameter however often it is used. */
  constant(value: string): string {
    let p = this.constants.get(value);
    if (p === undefined) this.constants.set(value, (p = this.param(value)));
    return p;
  }
  private readonly constants = new Map<string, string>();

  build(root: Node): string {
    return fold<Part>(root, {
      leaf: (n) => this.leaf(n),
      // Only the records layout's element match exists: some join-table row of this contact passes `where`.
      elemMatch: (n) => this.records(n.where),
      and: (_n, children) => combine(children, "AND"),
      or: (_n, children) => combine(children, "OR"),
      not: (_n, child) => ({ sql: child.nullable ? `NOT COALESCE(${child.sql}, FALSE)` : `NOT (${child.sql})`, nullable: false }),
    }).sql;
  }

  private leaf(n: LeafNode): Part {
    if (n.origin.from === "topic") return this.topicIds(n);
    if (n.origin.from !== "field") throw new Error(`segmatch: a ${n.origin.from} leaf outside a topic test`);
    const field = this.fields.get(n.origin.field);
    if (field === undefined) throw new Error(`segmatch: field ${n.origin.field} is not in the catalog`);
    return comparison(this, this.column(field), field, n.test, n.value);
  }

  /** The ids layout: `subscribedToTopic` is an overlap of the `text[]` column with the ids (NULL or empty: none). */
  private topicIds(n: LeafNode): Part {
    if (!("column" in this.sql.topics)) throw layoutMismatch();
    const ids = (n.value as readonly string[]).filter((id) => !id.includes("\0"));
    if (ids.length === 0) return FALSE;
    // No cast: the parameter takes the column's array type (text[], varchar[], uuid[]…).
    return { sql: `${this.sql.table}.${this.sql.topics.column} && ${this.param(ids)}`, nullable: true };
  }

  /** The records layout: a join-table row of this contact for one of the ids, with status SUBSCRIBED (duplicates and other statuses change nothing). */
  private records(where: Node): Part {
    const topics = this.sql.topics;
    if (!("table" in topics)) throw layoutMismatch();
    // The subquery's alias must not be the contacts table's own name, or it would hide it.
    const t = this.sql.table === JOIN_ALIAS ? '"segmatch_topic_row"' : JOIN_ALIAS;
    const conditions = fold<string>(where, {
      leaf: (n) => {
        const column = n.path.join(".") === "topicId" ? topics.topicId : n.path.join(".") === "status" ? topics.status : undefined;
        if (column === undefined) throw new Error(`segmatch: a topic record has no ${n.path.join(".")}`);
        const values = (n.test === "in" ? (n.value as readonly string[]) : [n.value as string]).filter((v) => !v.includes("\0"));
        if (values.length === 0) return "FALSE";
        // No casts: the parameters take the join table's column types (text, an enum, a uuid…); SUBSCRIBED is one parameter for all.
        return n.test === "in" ? `${t}.${column} = ANY(${this.param(values)})` : `${t}.${column} = ${this.constant(values[0] as string)}`;
      },
      elemMatch: () => {
        throw new Error("segmatch: nested element match in a topic record");
      },
      and: (_n, children) => children.join(" AND "),
      or: (_n, children) => `(${children.join(" OR ")})`,
      not: (_n, child) => `NOT COALESCE(${child}, FALSE)`,
    });
    return { sql: `EXISTS (SELECT 1 FROM ${topics.table} AS ${t} WHERE ${t}.${topics.contactId} = ${this.sql.table}.${this.sql.id} AND ${conditions})`, nullable: false };
  }
}

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

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function layoutMismatch(): ConditionError {
  return new ConditionError([
    { code: "invalid_options", path: ["options", "sql", "topics"], message: 'sql.topics must match topics.layout: { column } for "ids", { table, contactId, topicId, status } for "records"' },
  ]);
}

function combine(children: readonly Part[], op: "AND" | "OR"): Part {
  if (children.length === 1) return children[0] as Part;
  return { sql: `(${children.map((c) => c.sql).join(` ${op} `)})`, nullable: children.some((c) => c.nullable) };
}

/** Text before a NUL: what a range with a NUL operand compares with (see the header). */
const beforeNul = (s: string): string => {
  const at = s.indexOf("\0");
  return at < 0 ? s : s.slice(0, at);
};

const RANGE_SQL = { gt: ">", gte: ">=", lt: "<", lte: "<=" } as const;

/** One test of one column. */
function comparison(b: SqlBuilder, column: string, field: ResolvedField, test: LeafNode["test"], value: Operand): Part {
  const text = field.type === "string" || field.type === "enum";
  const float = field.type === "number" || (field.type === "date" && field.storage === "epochMillis");
  switch (test) {
    case "null":
      return { sql: `${column} IS NULL`, nullable: false };
    case "eq":
      if (typeof value === "string" && value.includes("\0")) return FALSE;
      return { sql: `${column} = ${b.param(b.value(value as Operand))}`, nullable: true };
    case "in": {
      const items = (value as readonly (string | number | Date)[]).filter((v) => !(typeof v === "string" && v.includes("\0"))).map((v) => b.value(v));
      if (items.length === 0) return FALSE;
      return { sql: `${column} = ANY(${b.param(items)})`, nullable: true };
    }
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      let op: string = RANGE_SQL[test];
      if (text) {
        const s = value as string;
        if (s.includes("\0")) op = test === "gt" || test === "gte" ? ">" : "<=";
        return { sql: `${column} COLLATE "C" ${op} ${b.param(beforeNul(s))}`, nullable: true };
      }
      const compared = `${column} ${op} ${b.param(b.value(value as Operand))}`;
      // NaN is above every number in PostgreSQL, and never compared in MongoDB.
      return { sql: float && (test === "gt" || test === "gte") ? `(${compared} AND ${column}::float8 <> 'NaN'::float8)` : compared, nullable: true };
    }
    case "contains":
    case "startsWith":
    case "endsWith": {
      const s = value as string;
      if (s.includes("\0")) return FALSE;
      const p = b.param(s);
      const sql =
        test === "contains"
          ? `strpos(${column} COLLATE "C", ${p}::text) > 0`
          : test === "startsWith"
            ? `starts_with(${column} COLLATE "C", ${p}::text)`
            : `right(${column}, char_length(${p}::text)) = ${p}::text COLLATE "C"`;
      return { sql, nullable: true };
    }
    default:
      return TRUE;
  }
}

/** The catalog and SQL options a SQL expression needs, checked against each other. */
function checked(resolved: ResolvedOptions): { sql: ResolvedSql; fields: ReadonlyMap<string, ResolvedField> } {
  const issues: ConditionIssue[] = [];
  if (!resolved.fields) issues.push({ code: "invalid_options", path: ["options", "fields"], message: "toSql needs a field catalog (options.fields): SQL columns are typed" });
  if (!resolved.sql) issues.push({ code: "invalid_options", path: ["options", "sql"], message: "toSql needs options.sql: { table, id, columns?, topics, paramOffset? }" });
  if (resolved.sql && resolved.fields) {
    if (("column" in resolved.sql.topics) !== (resolved.topicsLayout === "ids")) issues.push(...layoutMismatch().issues);
    for (const name of Object.keys(resolved.sql.columnNames)) {
      if (!resolved.fields.has(name)) issues.push({ code: "invalid_options", path: ["options", "sql", "columns", name], message: `${JSON.stringify(name)} is not a field of the catalog` });
    }
    // A field without a `columns` entry is its own column name, which must be a usable identifier too.
    for (const name of resolved.fields.keys()) {
      if (resolved.sql.columns?.has(name)) continue;
      const quoted = quoteIdentifier(name);
      if ("problem" in quoted) issues.push({ code: "invalid_options", path: ["options", "sql", "columns", name], message: `field ${JSON.stringify(name.slice(0, 80))} needs a column in sql.columns: as a column name it ${quoted.problem}` });
    }
  }
  if (issues.length > 0) throw new ConditionError(issues);
  return { sql: resolved.sql!, fields: resolved.fields! };
}

/** The expression for a parsed condition; needs the catalog and `options.sql`. */
export function toSqlExpression(root: Node, resolved: ResolvedOptions): SqlExpression {
  const { sql, fields } = checked(resolved);
  const builder = new SqlBuilder(sql, fields);
  const text = builder.build(root);
  return Object.freeze({ text, values: withinProtocol(builder.values, sql) });
}

/** PostgreSQL's wire protocol counts parameters in 16 bits. */
const MAX_PARAMETERS = 65_535;

function withinProtocol(values: unknown[], sql: ResolvedSql): unknown[] {
  if (sql.paramOffset + values.length > MAX_PARAMETERS) {
    throw new ConditionError([{ code: "too_many_items", path: [], message: `the expression needs placeholders up to $${sql.paramOffset + values.length}, beyond PostgreSQL's ${MAX_PARAMETERS}; split the condition or lower sql.paramOffset` }]);
  }
  return values;
}

/**
 * The contacts that enter and leave a segment when its condition changes, as two
 * expressions: `entering` holds for rows that match `after` and not `before`, `leaving` the
 * reverse (each with its own placeholders from `paramOffset + 1`).
 */
export function changeSqlExpressions(before: Node, after: Node, resolved: ResolvedOptions): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
  const { sql, fields } = checked(resolved);
  const one = (yes: Node, no: Node): SqlExpression => {
    const builder = new SqlBuilder(sql, fields);
    const a = builder.build(yes);
    const b = builder.build(no);
    return Object.freeze({ text: `(${a}) AND NOT COALESCE((${b}), FALSE)`, values: withinProtocol(builder.values, sql) });
  };
  return Object.freeze({ entering: one(after, before), leaving: one(before, after) });
}
