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
import {
  ConditionError,
  issue as coreIssue,
  type ConditionIssue,
  type IssueInput,
  type ConditionPath,
} from "../../errors.js";
import { SQL } from "../../messages.js";
import { nodeKey, fold, type LeafNode, type Node, type TopicNode } from "../../language/ast.js";
import { SUBSCRIBED } from "../../language/topics.js";
import { RelativeDate } from "../../language/relative.js";
import { atInstant } from "../clock.js";
import type { ResolvedField } from "../../catalog/catalog.js";
import type { ResolvedOptions } from "../../options.js";
import type { SqlDialect } from "./dialect.js";
import { sqlOf } from "./options.js";
import { SQL_LEAVES, type Part, type SqlWriter } from "./leaves.js";
import type { ResolvedSql } from "./options.js";
import { postgres } from "./postgres.js";

/** An issue of this module, its message from its chapter of the sentences. */
const issue = (path: ConditionPath, input: IssueInput) => coreIssue(path, input, SQL);

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

/**
 * What two tests share in one statement: the node's key, and a leaf's field name, since the
 * column is the name's (two catalog fields stored at one document path may have two columns).
 */
function sqlKey(n: Node): string {
  return n.kind === "leaf" ? `${n.field.name}\0${nodeKey(n)}` : nodeKey(n);
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

  /**
   * With `shared`, each distinct leaf and topic test is written once, as a column of a row
   * subquery (its select list), and every condition reads that column: many conditions over
   * one scan evaluate a test they share once per row.
   */
  shared:
    | {
        readonly columns: string[];
        readonly parts: Map<string, Part>;
        readonly row: string;
        /** The tests written as columns: all, or those more than one condition has (the others stay inline, where AND and OR can skip them). */
        readonly many: ReadonlySet<string> | undefined;
        readonly prefix: string;
      }
    | undefined;

  /** Shares, among `roots`, each test two or more of them have (with `all`, every test). */
  share(roots: readonly Node[], row: string, all: boolean): void {
    if (all) {
      this.shared = { columns: [], parts: new Map(), row, many: undefined, prefix: "l" };
      return;
    }
    const seen = new Set<string>();
    const many = new Set<string>();
    for (const root of roots) {
      const own = new Set<string>();
      const visit = (n: Node) => (own.add(sqlKey(n)), undefined);
      fold<undefined>(root, {
        leaf: visit,
        topic: visit,
        elemMatch: () => undefined,
        and: () => undefined,
        or: () => undefined,
        not: () => undefined,
      });
      for (const key of own) (seen.has(key) ? many : seen).add(key);
    }
    this.shared = { columns: [], parts: new Map(), row, many, prefix: "segmatch_l" };
  }

  private once(n: Node, make: () => Part): Part {
    const shared = this.shared;
    if (shared === undefined) return make();
    const key = sqlKey(n);
    if (shared.many !== undefined && !shared.many.has(key)) return make();
    let part = shared.parts.get(key);
    if (part === undefined) {
      const made = make();
      const column = quoted(this.dialect, `${shared.prefix}${shared.columns.length}`);
      shared.columns.push(`${made.sql} AS ${column}`);
      shared.parts.set(key, (part = { sql: `${shared.row}.${column}`, nullable: made.nullable }));
    }
    return part;
  }

  build(root: Node): string {
    return fold<Part>(root, {
      leaf: (n) => this.once(n, () => this.leaf(n)),
      topic: (n) => this.once(n, () => this.topic(n)),
      elemMatch: () => {
        throw new Error(
          "segmatch: an element match reached SQL (no condition of the language is one; topic tests come as topic nodes)",
        );
      },
      and: (_n, children) => combine(children, "AND"),
      or: (_n, children) => combine(children, "OR"),
      not: (_n, child) => ({
        sql: child.nullable ? `NOT COALESCE(${child.sql}, ${this.dialect.false})` : `NOT (${child.sql})`,
        nullable: false,
      }),
    }).sql;
  }

  /** A field's test on its column: the column its catalog name maps to, typed by the field's type and storage. */
  private leaf(n: LeafNode): Part {
    const { field } = n;
    if (n.value instanceof RelativeDate) throw new Error("segmatch: a relative date reached SQL without an instant");
    const column = this.options.columns.get(field.name);
    if (column === undefined || field.type === undefined)
      throw new Error(`segmatch: field ${field.name} is not in the catalog`);
    return SQL_LEAVES[n.test](
      {
        sql: `${this.options.sql.table}.${column}`,
        text: field.type === "string" || field.type === "enum",
        float: field.type === "number" || (field.type === "date" && field.storage === "epochMillis"),
      },
      n.value,
      this,
    );
  }

  /** A topic test, in the storage `sql.topics` names (an array column, or a join table). */
  private topic(n: TopicNode): Part {
    // A topic id with NUL, which no stored text can hold, is dropped from the list.
    const ids = n.ids.filter((id) => !id.includes("\0"));
    if (ids.length === 0) return { sql: this.dialect.false, nullable: false };
    const { sql } = this.options;
    const topics = sql.topics;
    // The ids layout: an overlap of the array column with the ids (NULL or empty: none).
    if ("column" in topics)
      return { sql: this.dialect.overlaps(`${sql.table}.${topics.column}`, ids, (v) => this.param(v)), nullable: true };
    // The records layout: a join-table row of this contact for one of the ids, with status SUBSCRIBED (duplicates and other statuses change nothing).
    // The subquery's alias must not be the contacts table's own name, or it would hide it.
    const alias = quoted(this.dialect, "segmatch_topic");
    const t = sql.table === alias ? quoted(this.dialect, "segmatch_topic_row") : alias;
    // No casts: the parameters take the join table's column types (text, an enum, a uuid…); SUBSCRIBED is one parameter for all.
    const where = `${this.dialect.oneOf(`${t}.${topics.topicId}`, ids, (v) => this.param(v))} AND ${t}.${topics.status} = ${this.constant(SUBSCRIBED)}`;
    return {
      sql: `EXISTS (SELECT 1 FROM ${topics.table} AS ${t} WHERE ${t}.${topics.contactId} = ${sql.table}.${sql.id} AND ${where})`,
      nullable: false,
    };
  }
}

/** A name of the library's own, quoted (it is always a usable identifier). */
function quoted(dialect: SqlDialect, name: string): string {
  const q = dialect.quoteIdentifier(name);
  if ("problem" in q) throw new Error(`segmatch: ${name} ${q.problem}`);
  return q.quoted;
}

function combine(children: readonly Part[], op: "AND" | "OR"): Part {
  if (children.length === 1) return children[0] as Part;
  return { sql: `(${children.map((c) => c.sql).join(` ${op} `)})`, nullable: children.some((c) => c.nullable) };
}

/** The catalog and SQL options a SQL expression needs, checked against each other and the dialect. */
function checked(resolved: ResolvedOptions, dialect: SqlDialect): Checked {
  const issues: ConditionIssue[] = [];
  const sql = sqlOf(resolved, dialect.quoteIdentifier);
  if (!resolved.fields)
    issues.push(issue(["options", "fields"], { code: "invalid_options", reason: "sql_needs", option: "fields" }));
  if (!sql) issues.push(issue(["options", "sql"], { code: "invalid_options", reason: "sql_needs", option: "sql" }));
  const columns = new Map<string, string>();
  if (sql && resolved.fields) {
    for (const name of Object.keys(sql.columnNames)) {
      if (!resolved.fields.has(name))
        issues.push(
          issue(["options", "sql", "columns", name], {
            code: "invalid_options",
            reason: "sql_unknown_field",
            field: name,
          }),
        );
    }
    // A field without a `columns` entry is its own column name, which must be a usable identifier too.
    for (const name of resolved.fields.keys()) {
      const given = sql.columns?.get(name);
      if (given !== undefined) {
        columns.set(name, given);
        continue;
      }
      const own = dialect.quoteIdentifier(name);
      if ("problem" in own)
        issues.push(
          issue(["options", "sql", "columns", name], {
            code: "invalid_options",
            reason: "sql_identifier",
            option: "sql.columns",
            field: name,
            identifier: own.problem,
            ...(own.maximum === undefined ? {} : { maximum: own.maximum }),
          }),
        );
      else columns.set(name, own.quoted);
    }
  }
  if (issues.length > 0) throw new ConditionError(issues);
  return { dialect, sql: sql!, fields: resolved.fields!, columns };
}

/** The checked options of a whole statement: its placeholders number from `$1`, whatever `sql.paramOffset` says (it is for expressions set in a statement of the caller's). */
function statement(resolved: ResolvedOptions, dialect: SqlDialect): Checked {
  const options = checked(resolved, dialect);
  return options.sql.paramOffset === 0 ? options : { ...options, sql: { ...options.sql, paramOffset: 0 } };
}

/** A tree with its relative dates resolved at `at` (as it is when there is no instant). */
const rootAt = (root: Node, resolved: ResolvedOptions, at: number | undefined): Node =>
  at === undefined ? root : atInstant(root, at, resolved.zone);

/** The expression for a parsed condition, in `dialect` (PostgreSQL unless told); needs the catalog and `options.sql`. */
export function toSqlExpression(
  root: Node,
  resolved: ResolvedOptions,
  dialect: SqlDialect = postgres,
  at?: number,
): SqlExpression {
  const options = checked(resolved, dialect);
  const builder = new SqlBuilder(options);
  const text = builder.build(rootAt(root, resolved, at));
  return Object.freeze({ text, values: withinProtocol(builder.values, options) });
}

function withinProtocol(values: unknown[], { sql, dialect }: Checked): unknown[] {
  if (sql.paramOffset + values.length > dialect.maxParameters) {
    throw new ConditionError([
      issue([], {
        code: "too_many_items",
        reason: "parameters",
        size: sql.paramOffset + values.length,
        placeholder: dialect.placeholder(sql.paramOffset + values.length),
        database: dialect.name,
        maximum: dialect.maxParameters,
        limit: `${dialect.name.toLowerCase()}.parameters`,
      }),
    ]);
  }
  return values;
}

/**
 * One statement that counts every condition of `roots` in a single scan of the contacts
 * table (`sql.table` names it): `SELECT count(*) FILTER (WHERE …) AS "0", … FROM table`, the
 * i-th count in the column named `i`, every parameter numbered once across them.
 */
export function countManySqlExpression(
  roots: readonly Node[],
  resolved: ResolvedOptions,
  dialect: SqlDialect = postgres,
  at?: number,
): SqlExpression {
  const options = statement(resolved, dialect);
  const builder = new SqlBuilder(options);
  // Each test the segments share is evaluated once per row: a column of a row subquery that
  // OFFSET 0 keeps from being folded back into the counts. A test only one segment has stays
  // inline, where AND and OR can skip it: the row subquery carries the table's columns under
  // the table's own name (`sql.table` is one identifier).
  const table = options.sql.table;
  const trees = roots.map((root) => rootAt(root, resolved, at));
  builder.share(trees, table, false);
  const counts = trees.map((tree, i) => {
    const where = builder.build(tree);
    return `count(*) FILTER (WHERE ${where}) AS ${quoted(dialect, String(i))}`;
  });
  if (counts.length === 0) counts.push("count(*) AS total");
  const shared = builder.shared!.columns;
  const from =
    shared.length === 0 ? table : `(SELECT ${[`${table}.*`, ...shared].join(", ")} FROM ${table} OFFSET 0) AS ${table}`;
  const text = `SELECT ${counts.join(", ")} FROM ${from}`;
  return Object.freeze({ text, values: withinProtocol(builder.values, options) });
}

/** A page of members, as the platform lists them: newest id first, `after` an id (older ones), `before` an id (newer ones). */
export interface MembersPage {
  readonly limit: number;
  readonly after?: string | undefined;
  readonly before?: string | undefined;
}

/**
 * One page of the rows a condition selects, by keyset on the id column: `limit + 1` rows (the
 * one more tells whether there are more), in the platform's order (id descending); `before`
 * reads them ascending from the cursor, to be reversed.
 */
export function pageSqlExpression(
  root: Node,
  resolved: ResolvedOptions,
  page: MembersPage,
  dialect: SqlDialect = postgres,
  at?: number,
): SqlExpression {
  const options = statement(resolved, dialect);
  const builder = new SqlBuilder(options);
  const where = builder.build(rootAt(root, resolved, at));
  const { table, id } = options.sql;
  const key = `${table}.${id}`;
  const cursor = page.after ?? page.before;
  const after =
    cursor === undefined ? "" : ` AND ${key} ${page.before === undefined ? "<" : ">"} ${builder.param(cursor)}`;
  const order = page.before === undefined ? "DESC" : "ASC";
  const text = `SELECT * FROM ${table} WHERE (${where})${after} ORDER BY ${key} ${order} LIMIT ${builder.param(page.limit + 1)}`;
  return Object.freeze({ text, values: withinProtocol(builder.values, options) });
}

/**
 * The contacts that enter and leave a segment when its condition changes, as two
 * expressions: `entering` holds for rows that match `after` and not `before`, `leaving` the
 * reverse (each with its own placeholders from `paramOffset + 1`).
 */
export function changeSqlExpressions(
  before: Node,
  after: Node,
  resolved: ResolvedOptions,
  dialect: SqlDialect = postgres,
  instants: { readonly from?: number | undefined; readonly to?: number | undefined } = {},
): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
  const options = checked(resolved, dialect);
  // `before` as it was at `from`, `after` as it is at `to`.
  if (instants.from !== undefined) before = atInstant(before, instants.from, resolved.zone);
  if (instants.to !== undefined) after = atInstant(after, instants.to, resolved.zone);
  const one = (yes: Node, no: Node): SqlExpression => {
    const builder = new SqlBuilder(options);
    const a = builder.build(yes);
    const b = builder.build(no);
    return Object.freeze({
      text: `(${a}) AND NOT COALESCE((${b}), ${dialect.false})`,
      values: withinProtocol(builder.values, options),
    });
  };
  return Object.freeze({ entering: one(after, before), leaving: one(before, after) });
}

/**
 * Where a segment's members are kept: the table and its segment and contact columns (quoted;
 * a unique key on the two), and, when the contacts table holds several workspaces, the
 * column and value of the one the segments belong to.
 */
export interface MembersTable {
  readonly table: string;
  readonly segment: string;
  /** The segment column's name as it is (unquoted): a segment id takes that column's type through the table's row type. */
  readonly segmentName: string;
  readonly contact: string;
  readonly scope?: { readonly column: string; readonly value: string } | undefined;
}

/** The library's names in a members statement, quoted once. */
function memberNames(dialect: SqlDialect) {
  const q = (name: string) => quoted(dialect, name);
  return {
    now: q("segmatch_now"),
    row: q("segmatch_row"),
    values: q("segmatch_values"),
    should: q("segmatch_should"),
    entered: q("segmatch_entered"),
    left: q("segmatch_left"),
    segment: q("segment"),
    contact: q("contact"),
    member: q("member"),
    change: q("change"),
  };
}

/** `AND table.column = $n` when the contacts are scoped to one workspace. */
function scoped(builder: SqlBuilder, table: string, members: MembersTable): string {
  return members.scope ? ` AND ${table}.${members.scope.column} = ${builder.param(members.scope.value)}` : "";
}

/** The namespaces of segmatch's advisory locks (the first key of PostgreSQL's two-key form). */
const MEMBERS_LOCK = "hashtext('segmatch.members')";
const CONTACT_LOCK = "hashtext('segmatch.contact')";
/** Contacts share this many locks (by a hash of their id), so that a batch holds a bounded number. */
export const CONTACT_STRIPES = 32;

/**
 * After a segment's condition changed: one statement that inserts the rows the condition
 * selects and the members table lacks, and deletes the segment's rows the condition no
 * longer selects, returning each as `(change, contact)` with change `entered` or `left`.
 * Its lock ({@link membersLockSql}, exclusive on the segment) comes first, in the same transaction.
 */
export function segmentMembersSqlExpressions(
  root: Node,
  resolved: ResolvedOptions,
  segmentId: string,
  members: MembersTable,
  dialect: SqlDialect = postgres,
  at?: number,
): SqlExpression {
  const options = statement(resolved, dialect);
  const builder = new SqlBuilder(options);
  const n = memberNames(dialect);
  const { table, id } = options.sql;
  const where = builder.build(rootAt(root, resolved, at));
  const segment = builder.param(segmentId);
  const scope = scoped(builder, table, members);
  const { table: m, segment: s, contact: c } = members;
  const text =
    `WITH ${n.now} AS (SELECT ${table}.${id} AS ${n.contact} FROM ${table} WHERE (${where})${scope}), ` +
    `${n.entered} AS (INSERT INTO ${m} (${s}, ${c}) SELECT ${segment}, ${n.contact} FROM ${n.now} ON CONFLICT DO NOTHING RETURNING ${c} AS ${n.contact}), ` +
    `${n.left} AS (DELETE FROM ${m} WHERE ${m}.${s} = ${segment} AND NOT EXISTS (SELECT 1 FROM ${n.now} WHERE ${n.now}.${n.contact} = ${m}.${c}) RETURNING ${m}.${c} AS ${n.contact}) ` +
    `SELECT 'entered' AS ${n.change}, ${n.contact} FROM ${n.entered} UNION ALL SELECT 'left', ${n.contact} FROM ${n.left}`;
  return Object.freeze({ text, values: withinProtocol(builder.values, options) });
}

/**
 * After contacts changed: one statement that re-evaluates the contacts `contactIds` against
 * every segment of `roots` (ids `segmentIds`), each test they share once per contact, and
 * inserts and deletes their rows of the members table to match, returning each as
 * `(change, segment, contact)`. A contact that no longer exists leaves every segment. Its
 * lock ({@link membersLockSql}, shared on the segments and exclusive on the contacts) comes
 * first, before the segments' conditions are read.
 */
export function contactMembershipsSqlExpressions(
  roots: readonly Node[],
  segmentIds: readonly string[],
  contactIds: readonly string[],
  resolved: ResolvedOptions,
  members: MembersTable,
  dialect: SqlDialect = postgres,
  at?: number,
): SqlExpression {
  const options = statement(resolved, dialect);
  const builder = new SqlBuilder(options);
  const n = memberNames(dialect);
  builder.share([], n.row, true);
  const { table, id } = options.sql;
  const { table: m, segment: s, contact: c } = members;
  const ids = builder.param([...contactIds]);
  const wheres = roots.map((root) => builder.build(rootAt(root, resolved, at)));
  const rows = wheres.map((where, i) => `(${builder.param(segmentIds[i])}, ${where})`);
  const scope = scoped(builder, table, members);
  const columns = [`${table}.${id} AS ${n.contact}`, ...builder.shared!.columns].join(", ");
  // A segment id of the VALUES list is text: the members table's row type gives it its column's type (integer, uuid…).
  const typed = () =>
    `(jsonb_populate_record(NULL::${m}, jsonb_build_object(${builder.param(members.segmentName)}::text, ${n.values}.${n.segment}))).${s}`;
  const should =
    rows.length === 0
      ? `SELECT NULL AS ${n.segment}, NULL AS ${n.contact} WHERE false`
      : `SELECT ${typed()} AS ${n.segment}, ${n.row}.${n.contact} FROM (SELECT ${columns} FROM ${table} WHERE ${table}.${id} = ANY(${ids})${scope} OFFSET 0) AS ${n.row} ` +
        `CROSS JOIN LATERAL (VALUES ${rows.join(", ")}) AS ${n.values} (${n.segment}, ${n.member}) WHERE ${n.values}.${n.member}`;
  const segments = builder.param([...segmentIds]);
  const text =
    `WITH ${n.should} AS (${should}), ` +
    `${n.entered} AS (INSERT INTO ${m} (${s}, ${c}) SELECT ${n.segment}, ${n.contact} FROM ${n.should} ON CONFLICT DO NOTHING RETURNING ${s} AS ${n.segment}, ${c} AS ${n.contact}), ` +
    `${n.left} AS (DELETE FROM ${m} WHERE ${m}.${c} = ANY(${ids}) AND ${m}.${s} = ANY(${segments}) AND NOT EXISTS (SELECT 1 FROM ${n.should} WHERE ${n.should}.${n.segment} = ${m}.${s} AND ${n.should}.${n.contact} = ${m}.${c}) RETURNING ${m}.${s} AS ${n.segment}, ${m}.${c} AS ${n.contact}) ` +
    `SELECT 'entered' AS ${n.change}, ${n.segment}, ${n.contact} FROM ${n.entered} UNION ALL SELECT 'left', ${n.segment}, ${n.contact} FROM ${n.left}`;
  return Object.freeze({ text, values: withinProtocol(builder.values, options) });
}

/**
 * Advisory locks for a members statement, held to the end of the transaction, on a workspace's
 * members (`key`, its scope's value): exclusive for a change of conditions; shared, and
 * exclusive on the contacts' stripes, for a re-evaluation of contacts. The workspace's lock
 * before the stripes, the stripes in one order: transactions that each take one such lock,
 * after their own writes, never wait on each other in a cycle. At most
 * {@link CONTACT_STRIPES} + 1 locks.
 */
export function membersLockSqlExpression(
  key: string,
  contacts: readonly string[] | undefined,
  dialect: SqlDialect = postgres,
): SqlExpression {
  const p = (i: number) => dialect.placeholder(i);
  if (contacts === undefined)
    return Object.freeze({ text: `SELECT pg_advisory_xact_lock(${MEMBERS_LOCK}, hashtext(${p(1)}))`, values: [key] });
  const lock = quoted(dialect, "segmatch_lock");
  const text =
    `SELECT count(*)::int AS ${quoted(dialect, "locks")} FROM (SELECT CASE WHEN ${lock}.kind = 0 THEN pg_advisory_xact_lock_shared(${MEMBERS_LOCK}, ${lock}.key)::text ` +
    `ELSE pg_advisory_xact_lock(${CONTACT_LOCK}, ${lock}.key)::text END FROM (SELECT 0 AS kind, hashtext(${p(1)}) AS key ` +
    `UNION SELECT 1, abs(hashtext(x) % ${CONTACT_STRIPES}) FROM unnest(${p(2)}::text[]) AS x ORDER BY 1, 2) AS ${lock}) AS ${lock}`;
  return Object.freeze({ text, values: [key, [...contacts]] });
}
