/**
 * The SQL target's options: how the contacts are stored in the database (`options.sql`),
 * and their reading. options.ts keeps `options.sql` as given; {@link sqlOf} checks it the
 * first time the SQL target (or `createSegmatch`) reads it, once per resolved options, so a
 * bundle without the SQL target holds no SQL reader.
 */
import type { SqlDialect } from "./dialect.js";
import { quotePostgresIdentifier } from "./postgres.js";
import { ownValues } from "../../runtime/plain.js";
import {
  ConditionError,
  describe,
  issue,
  thrownMessage,
  type ConditionIssue,
  type IdentifierProblem,
  type IssueDataFor,
} from "../../errors.js";
import type { ResolvedOptions, SqlCheck } from "../../options.js";
import { choices } from "../../suggest.js";

/**
 * A table's name: a string is one name, or `schema.table` at its one dot (a string with more
 * dots is refused); a list of one or two strings gives the names as they are, dots and all
 * (`["my.schema", "topics"]`).
 */
export type TableName = string | readonly [table: string] | readonly [schema: string, table: string];

/** A {@link TableName} checked and quoted, each name with the dialect's rule. */
export function quoteTable(
  value: unknown,
  quote: SqlDialect["quoteIdentifier"],
): { readonly quoted: string } | { readonly problem: IdentifierProblem; readonly maximum?: number } {
  let names: readonly unknown[] = [value];
  if (typeof value === "string") {
    // Cut at its dots without splitting: a name is refused by its length before anything copies it.
    const dot = value.indexOf(".");
    if (dot !== -1 && value.indexOf(".", dot + 1) !== -1) return { problem: "qualified" };
    if (dot !== -1) names = [value.slice(0, dot), value.slice(dot + 1)];
  } else if (Array.isArray(value)) {
    const list = value as readonly unknown[];
    if (list.length !== 1 && list.length !== 2) return { problem: "qualified" };
    names = list.length === 1 ? [list[0]] : [list[0], list[1]];
  }
  const quoted: string[] = [];
  for (const name of names) {
    const q = quote(name);
    if ("problem" in q) return q;
    quoted.push(q.quoted);
  }
  return { quoted: quoted.join(".") };
}

/**
 * How the contacts are stored in PostgreSQL, for `toSql`: the contacts table's name or alias
 * in the caller's query, its key column, the column of each catalog field (default: the
 * field's name), and the topic subscriptions: a `text[]` column of subscribed ids, or a
 * join table where only status `SUBSCRIBED` counts.
 */
export interface SqlOptions {
  readonly table: string;
  readonly id: string;
  readonly columns?: { readonly [field: string]: string } | undefined;
  readonly topics:
    | { readonly column: string }
    | { readonly table: TableName; readonly contactId: string; readonly topicId: string; readonly status: string };
  /** The first placeholder is `$(paramOffset + 1)`. Default 0. */
  readonly paramOffset?: number | undefined;
}

/** SQL options checked, with every identifier quoted once. */
export interface ResolvedSql {
  readonly table: string;
  readonly id: string;
  /** Quoted column by catalog field name, as `columns` gives them (a field without one is its own column name). */
  readonly columns: ReadonlyMap<string, string> | undefined;
  readonly columnNames: { readonly [field: string]: string };
  readonly topics:
    | { readonly column: string }
    | { readonly table: string; readonly contactId: string; readonly topicId: string; readonly status: string };
  readonly paramOffset: number;
}

/** The keys of {@link SqlOptions}, in the order messages name them. */
const SQL_OPTION_KEYS: readonly string[] = /* @__PURE__ */ Object.keys({
  table: true,
  id: true,
  columns: true,
  topics: true,
  paramOffset: true,
} satisfies { readonly [K in keyof SqlOptions]-?: true });

/** Reports a malformed option at a path under `options`. */
type Bad = (path: (string | number)[], data: IssueDataFor<"invalid_options">) => void;

/**
 * `options.sql` checked and resolved, or undefined after reporting each problem through
 * `bad`; identifiers are checked and quoted with a dialect's rule (PostgreSQL's unless told).
 */
export function readSql(
  value: unknown,
  bad: Bad,
  quoteIdentifier: SqlDialect["quoteIdentifier"] = quotePostgresIdentifier,
): ResolvedSql | undefined {
  const badValue = (option: string, expected: string, given: unknown) =>
    bad(option.split("."), { reason: "option_value", option, expected, received: describe(given) });
  const sql = ownValues(value);
  if (sql === undefined) {
    badValue("sql", "an object { table, id, columns?, topics, paramOffset? }", value);
    return undefined;
  }
  const unknownKey = (path: string[], scope: string, key: string, allowed: readonly string[]) =>
    bad([...path, key], {
      reason: "unknown_option",
      scope,
      ...choices(key, allowed),
    });
  for (const key of Object.keys(sql))
    if (!SQL_OPTION_KEYS.includes(key)) unknownKey(["sql"], "sql", key, SQL_OPTION_KEYS);
  const ident = (v: unknown, path: (string | number)[], table = false): string | undefined => {
    const quoted = table ? quoteTable(v, quoteIdentifier) : quoteIdentifier(v);
    if ("problem" in quoted) {
      bad(["sql", ...path], {
        reason: "sql_identifier",
        option: ["sql", ...path].join("."),
        identifier: quoted.problem,
        ...(quoted.maximum === undefined ? {} : { maximum: quoted.maximum }),
      });
      return undefined;
    }
    return quoted.quoted;
  };
  const table = ident(sql.table, ["table"]);
  const id = ident(sql.id, ["id"]);
  const columns = new Map<string, string>();
  const columnNames: Record<string, string> = Object.create(null) as Record<string, string>;
  if (sql.columns !== undefined) {
    const given = ownValues(sql.columns);
    if (given === undefined)
      badValue("sql.columns", "an object mapping catalog field names to column names", sql.columns);
    else
      for (const [field, column] of Object.entries(given)) {
        const quoted = ident(column, ["columns", field]);
        if (quoted !== undefined) {
          columns.set(field, quoted);
          columnNames[field] = column as string;
        }
      }
  }
  let topics: ResolvedSql["topics"] | undefined;
  const t = ownValues(sql.topics);
  if (t === undefined)
    badValue(
      "sql.topics",
      "{ column } (a text[] column of subscribed ids) or { table, contactId, topicId, status } (a join table)",
      sql.topics,
    );
  else if ("column" in t) {
    for (const key of Object.keys(t))
      if (key !== "column") unknownKey(["sql", "topics"], "sql.topics", key, ["column"]);
    const column = ident(t.column, ["topics", "column"]);
    if (column !== undefined) topics = { column };
  } else {
    for (const key of Object.keys(t))
      if (!["table", "contactId", "topicId", "status"].includes(key))
        unknownKey(["sql", "topics"], "sql.topics", key, ["table", "contactId", "topicId", "status"]);
    const parts = {
      table: ident(t.table, ["topics", "table"], true),
      contactId: ident(t.contactId, ["topics", "contactId"]),
      topicId: ident(t.topicId, ["topics", "topicId"]),
      status: ident(t.status, ["topics", "status"]),
    };
    if (Object.values(parts).every((p) => p !== undefined)) topics = parts as ResolvedSql["topics"];
  }
  let paramOffset = 0;
  if (sql.paramOffset !== undefined) {
    if (
      typeof sql.paramOffset !== "number" ||
      !Number.isInteger(sql.paramOffset) ||
      sql.paramOffset < 0 ||
      sql.paramOffset > 60_000
    )
      badValue("sql.paramOffset", "a whole number from 0 to 60,000", sql.paramOffset);
    else paramOffset = sql.paramOffset;
  }
  if (table === undefined || id === undefined || topics === undefined) return undefined;
  return Object.freeze({
    table,
    id,
    columns: sql.columns === undefined ? undefined : columns,
    columnNames: Object.freeze(columnNames),
    topics: Object.freeze(topics),
    paramOffset,
  });
}

/** `options.sql` read and checked with PostgreSQL's rule, by resolved options (each is read once: what was checked is what is used). */
const READ = new WeakMap<ResolvedOptions, ResolvedSql>();

/**
 * The checked `options.sql` of resolved options (undefined when none was given), its
 * identifiers quoted with a dialect's rule (PostgreSQL's unless told); a ConditionError with
 * every problem under `["options", "sql", …]` otherwise.
 */
export function sqlOf(
  resolved: ResolvedOptions,
  quoteIdentifier: SqlDialect["quoteIdentifier"] = quotePostgresIdentifier,
): ResolvedSql | undefined {
  if (resolved.sql === undefined) return undefined;
  const postgres = quoteIdentifier === quotePostgresIdentifier;
  const known = postgres ? READ.get(resolved) : undefined;
  if (known !== undefined) return known;
  const issues: ConditionIssue[] = [];
  const bad: Bad = (path, data) => issues.push(issue(["options", ...path], { code: "invalid_options", ...data }));
  let sql: ResolvedSql | undefined;
  if (postgres) sql = readSql(resolved.sql, bad);
  else
    try {
      sql = readSql(resolved.sql, bad, quoteIdentifier);
    } catch (error) {
      // Another dialect's rule threw: as resolveOptions says of options it cannot read.
      throw new ConditionError([
        issue(["options"], { code: "invalid_options", reason: "unreadable", thrown: thrownMessage(error) }),
      ]);
    }
  if (issues.length > 0 || sql === undefined) throw new ConditionError(issues);
  if (postgres) READ.set(resolved, sql);
  return sql;
}

/** The check the functions that write SQL give resolveOptions: `options.sql`'s problems reported with the other options'. */
export const checkSql: SqlCheck = (sql, bad) => readSql(sql, bad);
