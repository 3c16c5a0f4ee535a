/**
 * AST → a boolean SQL expression for a `WHERE` clause, with parameters: the contacts
 * table's row stands for the document in which every non-NULL column gives its catalog
 * field a value and a NULL column leaves the field missing; topics come from an array
 * column or a join table. `WHERE <expression>` selects a row exactly when the in-memory
 * predicate accepts that document (a property test over a real PostgreSQL checks it).
 *
 * This file is the engine: it folds the AST, with standard SQL for the logic; each leaf
 * test is written by the per-leaf table (leaves.ts), and what differs per database by a
 * dialect (dialect.ts; postgres.ts is the one there is, and the default).
 *
 * - Two-valued logic: a comparison with a NULL column is NULL, which a `WHERE` treats as
 *   false, and so does every AND/OR above it; only a NOT could turn it into true. So each
 *   NOT wraps what it negates in `COALESCE(…, false)` (where it can be NULL), and `ne`,
 *   `nin`, `notSubscribedToTopic` and `$not` match contacts whose column is NULL, as
 *   MongoDB's `$ne`, `$nin` and `$nor` match missing fields.
 * - A topic id with NUL, which no stored text can hold, is dropped from the list.
 * - Every identifier is quoted and every value is a parameter.
 */
import { ConditionError, type ConditionIssue } from "../../errors.js";
import { fold, type LeafNode, type Node } from "../../language/ast.js";
import type { ResolvedField } from "../../catalog/catalog.js";
import type { ResolvedOptions } from "../../options.js";
import type { SqlDialect } from "./dialect.js";
import { SQL_LEAVES, type Part, type SqlWriter } from "./leaves.js";
import type { ResolvedSql } from "./options.js";
import { postgres } from "./postgres.js";

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

/** The options a SQL expression is built with, checked against each other, and the dialect it is written in. */
interface Checked {
  readonly dialect: SqlDialect;
  readonly sql: ResolvedSql;
  readonly fields: ReadonlyMap<string, ResolvedField>;
  /** The quoted column of every catalog field: its `columns` entry, or its own name. */
  readonly columns: ReadonlyMap<string, string>;
}

class SqlBuilder implements SqlWriter {
  readonly values: unknown[] = [];
  readonly dialect: SqlDialect;
  constructor(private readonly options: Checked) {
    this.dialect = options.dialect;
  }

  param(value: unknown): string {
    this.values.push(value);
    return this.dialect.placeholder(this.options.sql.paramOffset + this.values.length);
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
      not: (_n, child) => ({ sql: child.nullable ? `NOT COALESCE(${child.sql}, ${this.dialect.false})` : `NOT (${child.sql})`, nullable: false }),
    }).sql;
  }

  private leaf(n: LeafNode): Part {
    if (n.origin.from === "topic") return this.topicIds(n);
    if (n.origin.from !== "field") throw new Error(`segmatch: a ${n.origin.from} leaf outside a topic test`);
    const field = this.options.fields.get(n.origin.field);
    if (field === undefined) throw new Error(`segmatch: field ${n.origin.field} is not in the catalog`);
    const column = {
      sql: `${this.options.sql.table}.${this.options.columns.get(field.name)}`,
      text: field.type === "string" || field.type === "enum",
      float: field.type === "number" || (field.type === "date" && field.storage === "epochMillis"),
    };
    return SQL_LEAVES[n.test](column, n.value, this);
  }

  /** The ids layout: `subscribedToTopic` is an overlap of the array column with the ids (NULL or empty: none). */
  private topicIds(n: LeafNode): Part {
    const { sql } = this.options;
    if (!("column" in sql.topics)) throw layoutMismatch();
    const ids = (n.value as readonly string[]).filter((id) => !id.includes("\0"));
    if (ids.length === 0) return { sql: this.dialect.false, nullable: false };
    return { sql: this.dialect.overlaps(`${sql.table}.${sql.topics.column}`, ids, (v) => this.param(v)), nullable: true };
  }

  /** The records layout: a join-table row of this contact for one of the ids, with status SUBSCRIBED (duplicates and other statuses change nothing). */
  private records(where: Node): Part {
    const { sql } = this.options;
    const topics = sql.topics;
    if (!("table" in topics)) throw layoutMismatch();
    // The subquery's alias must not be the contacts table's own name, or it would hide it.
    const alias = quoted(this.dialect, "segmatch_topic");
    const t = sql.table === alias ? quoted(this.dialect, "segmatch_topic_row") : alias;
    const conditions = fold<string>(where, {
      leaf: (n) => {
        const column = n.path.join(".") === "topicId" ? topics.topicId : n.path.join(".") === "status" ? topics.status : undefined;
        if (column === undefined) throw new Error(`segmatch: a topic record has no ${n.path.join(".")}`);
        if (n.test !== "in" && n.test !== "eq") throw new Error(`segmatch: a topic record test is "in" or "eq", not "${n.test}"`);
        const values = (n.test === "in" ? (n.value as readonly string[]) : [n.value as string]).filter((v) => !v.includes("\0"));
        if (values.length === 0) return this.dialect.false;
        // No casts: the parameters take the join table's column types (text, an enum, a uuid…); SUBSCRIBED is one parameter for all.
        return n.test === "in" ? this.dialect.oneOf(`${t}.${column}`, values, (v) => this.param(v)) : `${t}.${column} = ${this.constant(values[0] as string)}`;
      },
      elemMatch: () => {
        throw new Error("segmatch: nested element match in a topic record");
      },
      and: (_n, children) => children.join(" AND "),
      or: (_n, children) => `(${children.join(" OR ")})`,
      not: (_n, child) => `NOT COALESCE(${child}, ${this.dialect.false})`,
    });
    return { sql: `EXISTS (SELECT 1 FROM ${topics.table} AS ${t} WHERE ${t}.${topics.contactId} = ${sql.table}.${sql.id} AND ${conditions})`, nullable: false };
  }
}

/** A name of the library's own, quoted (it is always a usable identifier). */
function quoted(dialect: SqlDialect, name: string): string {
  const q = dialect.quoteIdentifier(name);
  if ("problem" in q) throw new Error(`segmatch: ${name} ${q.problem}`);
  return q.quoted;
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

/** The catalog and SQL options a SQL expression needs, checked against each other and the dialect. */
function checked(resolved: ResolvedOptions, dialect: SqlDialect): Checked {
  const issues: ConditionIssue[] = [];
  if (!resolved.fields) issues.push({ code: "invalid_options", path: ["options", "fields"], message: "toSql needs a field catalog (options.fields): SQL columns are typed" });
  if (!resolved.sql) issues.push({ code: "invalid_options", path: ["options", "sql"], message: "toSql needs options.sql: { table, id, columns?, topics, paramOffset? }" });
  const columns = new Map<string, string>();
  if (resolved.sql && resolved.fields) {
    if (("column" in resolved.sql.topics) !== (resolved.topicsLayout === "ids")) issues.push(...layoutMismatch().issues);
    for (const name of Object.keys(resolved.sql.columnNames)) {
      if (!resolved.fields.has(name)) issues.push({ code: "invalid_options", path: ["options", "sql", "columns", name], message: `${JSON.stringify(name)} is not a field of the catalog` });
    }
    // A field without a `columns` entry is its own column name, which must be a usable identifier too.
    for (const name of resolved.fields.keys()) {
      const given = resolved.sql.columns?.get(name);
      if (given !== undefined) {
        columns.set(name, given);
        continue;
      }
      const own = dialect.quoteIdentifier(name);
      if ("problem" in own) issues.push({ code: "invalid_options", path: ["options", "sql", "columns", name], message: `field ${JSON.stringify(name.slice(0, 80))} needs a column in sql.columns: as a column name it ${own.problem}` });
      else columns.set(name, own.quoted);
    }
  }
  if (issues.length > 0) throw new ConditionError(issues);
  if (resolved.sql!.quotedWith !== dialect.quoteIdentifier) throw new Error(`segmatch: the SQL options were not read for ${dialect.name} (readSql takes the dialect's quoteIdentifier)`);
  return { dialect, sql: resolved.sql!, fields: resolved.fields!, columns };
}

/** The expression for a parsed condition, in `dialect` (PostgreSQL unless told); needs the catalog and `options.sql`. */
export function toSqlExpression(root: Node, resolved: ResolvedOptions, dialect: SqlDialect = postgres): SqlExpression {
  const options = checked(resolved, dialect);
  const builder = new SqlBuilder(options);
  const text = builder.build(root);
  return Object.freeze({ text, values: withinProtocol(builder.values, options) });
}

function withinProtocol(values: unknown[], { sql, dialect }: Checked): unknown[] {
  if (sql.paramOffset + values.length > dialect.maxParameters) {
    throw new ConditionError([
      {
        code: "too_many_items",
        path: [],
        message: `the expression needs placeholders up to ${dialect.placeholder(sql.paramOffset + values.length)}, beyond ${dialect.name}'s ${dialect.maxParameters}; split the condition or lower sql.paramOffset`,
        maximum: dialect.maxParameters,
        limit: `${dialect.name.toLowerCase()}.parameters`,
      },
    ]);
  }
  return values;
}

/**
 * The contacts that enter and leave a segment when its condition changes, as two
 * expressions: `entering` holds for rows that match `after` and not `before`, `leaving` the
 * reverse (each with its own placeholders from `paramOffset + 1`).
 */
export function changeSqlExpressions(before: Node, after: Node, resolved: ResolvedOptions, dialect: SqlDialect = postgres): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
  const options = checked(resolved, dialect);
  const one = (yes: Node, no: Node): SqlExpression => {
    const builder = new SqlBuilder(options);
    const a = builder.build(yes);
    const b = builder.build(no);
    return Object.freeze({ text: `(${a}) AND NOT COALESCE((${b}), ${dialect.false})`, values: withinProtocol(builder.values, options) });
  };
  return Object.freeze({ entering: one(after, before), leaving: one(before, after) });
}
