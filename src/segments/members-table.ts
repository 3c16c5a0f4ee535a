/**
 * A members table kept equal to each segment's condition in PostgreSQL: the statement to run
 * after a segment's condition changed, and the one to run after contacts changed, each with
 * the advisory lock to take first in the same transaction (see docs/postgresql.md, "A members
 * table that stays exact"). Both are idempotent, and return the rows they inserted and
 * deleted as `entered` and `left` events.
 */
import type { Context } from "../context.js";
import {
  ConditionError,
  describe,
  issue as coreIssue,
  readArgument,
  type ConditionIssue,
  type ConditionPath,
  type IssueInput,
} from "../errors.js";
import { SEGMENTS } from "../messages.js";
import { ownValues } from "../runtime/plain.js";
import { isRelative } from "../targets/clock.js";
import { quotePostgresIdentifier } from "../targets/sql/postgres.js";
import { quoteTable, type TableName } from "../targets/sql/options.js";
import {
  contactMembershipsSqlExpressions,
  membersLockSqlExpression,
  segmentMembersSqlExpressions,
  type MembersTable,
  type SqlExpression,
} from "../targets/sql/sql.js";
import { entriesOf, segmentTrees, type SegmentConditions } from "./membership.js";

const issue = (path: ConditionPath, input: IssueInput) => coreIssue(path, input, SEGMENTS);

/** Where members are kept (default `segment_members (segment_id, contact_id)`), and the workspace of the contacts. */
export interface MembersTableOptions {
  /** The members table: `name`, `schema.name`, or a list `[schema, name]` whose names may hold dots (see {@link TableName}). Default `segment_members`. */
  readonly table?: TableName | undefined;
  /** Its segment id column. Default `segment_id`. */
  readonly segment?: string | undefined;
  /** Its contact id column. Default `contact_id`. */
  readonly contact?: string | undefined;
  /** When the contacts table holds several workspaces: the column and value of this one. */
  readonly scope?: { readonly column: string; readonly value: string } | undefined;
}

/** A members statement after a condition change (run `membersLockSql("conditions")` first, in the same transaction); `read` its rows. */
export interface SegmentMembersSql extends SqlExpression {
  /** The contacts that entered and left the segment, from the statement's rows. */
  read(rows: unknown): { readonly entered: string[]; readonly left: string[] };
}

/** One membership of a contact in a segment. */
export interface Membership {
  readonly segment: string;
  readonly contact: string;
}

/** A members statement after contacts changed (run `membersLockSql({ contacts })` first, then read the conditions); `read` its rows. */
export interface ContactMembershipsSql extends SqlExpression {
  /** The memberships that began and ended, from the statement's rows. */
  read(rows: unknown): { readonly entered: Membership[]; readonly left: Membership[] };
}

/** Contact ids per call at most: a batch is one statement. */
const MAX_CONTACTS = 10_000;

function bad(
  path: ConditionPath,
  argument: "options" | "contacts" | "segment_id" | "database",
  expected: string,
  received: unknown,
): ConditionError {
  return new ConditionError([
    issue(path, { code: "invalid_type", reason: "argument", argument, expected, received: describe(received) }),
  ]);
}

/** An id PostgreSQL's text can hold: a non-empty string without NUL. */
const isId = (id: unknown): id is string => typeof id === "string" && id !== "" && !id.includes("\0");

/** The members table's options, read once, each identifier checked and quoted. */
function membersTable(value: unknown): MembersTable {
  const given = readArgument(["members"], () => (value === undefined ? {} : ownValues(value)));
  if (given === undefined) throw bad(["members"], "options", "an object { table?, segment?, contact?, scope? }", value);
  const issues: ConditionIssue[] = [];
  for (const key of Object.keys(given))
    if (!["table", "segment", "contact", "scope"].includes(key))
      issues.push(
        issue(["members", key], {
          code: "invalid_type",
          reason: "argument",
          argument: "options",
          expected: "one of table, segment, contact, scope",
          received: describe(key),
        }),
      );
  const ident = (v: unknown, path: string[], table: boolean): string => {
    const quoted = table ? quoteTable(v, quotePostgresIdentifier) : quotePostgresIdentifier(v);
    if (!("problem" in quoted)) return quoted.quoted;
    issues.push(
      issue(["members", ...path], {
        code: "invalid_options",
        reason: "sql_identifier",
        option: ["members", ...path].join("."),
        identifier: quoted.problem,
        ...(quoted.maximum === undefined ? {} : { maximum: quoted.maximum }),
      }),
    );
    return "";
  };
  const table = ident(given.table ?? "segment_members", ["table"], true);
  const segmentName = (given.segment ?? "segment_id") as string;
  const segment = ident(segmentName, ["segment"], false);
  const contact = ident(given.contact ?? "contact_id", ["contact"], false);
  let scope: MembersTable["scope"];
  if (given.scope !== undefined) {
    const s = readArgument(["members", "scope"], () => ownValues(given.scope));
    if (s === undefined || !isId(s.value) || Object.keys(s).some((k) => k !== "column" && k !== "value"))
      issues.push(
        issue(["members", "scope"], {
          code: "invalid_type",
          reason: "argument",
          argument: "options",
          expected: "{ column, value }, the value a non-empty string",
          received: describe(given.scope),
        }),
      );
    else scope = { column: ident(s.column, ["scope", "column"], false), value: s.value };
  }
  if (issues.length > 0) throw new ConditionError(issues);
  return { table, segment, segmentName, contact, scope };
}

/** The statement's rows, as `pg` or PGlite return them: `{ change, contact }` (and `segment`). */
function readRows(rows: unknown, withSegment: boolean): { change: string; segment: string; contact: string }[] {
  const out = readArgument(["rows"], () => {
    if (!Array.isArray(rows)) return undefined;
    const read: { change: string; segment: string; contact: string }[] = [];
    for (const row of rows as unknown[]) {
      const r = ownValues(row);
      const text = (x: unknown) =>
        typeof x === "string" ? x : typeof x === "number" || typeof x === "bigint" ? String(x) : undefined;
      const contact = text(r?.contact);
      const segment = withSegment ? text(r?.segment) : "";
      if (
        r === undefined ||
        (r.change !== "entered" && r.change !== "left") ||
        contact === undefined ||
        segment === undefined
      )
        return undefined;
      read.push({ change: r.change, segment, contact });
    }
    return read;
  });
  if (out === undefined)
    throw bad(
      ["rows"],
      "database",
      `the statement's rows: { change: "entered" | "left", ${withSegment ? "segment, " : ""}contact }`,
      rows,
    );
  return out;
}

/**
 * After segment `segmentId`'s condition changed to `condition`: the statement that makes the
 * members table hold exactly the contacts the condition selects for it, and its lock.
 */
export function segmentMembersSql(
  ctx: Context,
  segmentId: unknown,
  condition: unknown,
  members?: unknown,
): SegmentMembersSql {
  if (!isId(segmentId)) throw bad(["segmentId"], "segment_id", "a non-empty string without NUL", segmentId);
  const table = membersTable(members);
  const call = ctx.call(condition);
  const ast = call.ast(condition);
  const at = isRelative(ast) ? call.options.clock() : undefined;
  const change = segmentMembersSqlExpressions(ast, call.options, segmentId, table, undefined, at);
  return Object.freeze({
    text: change.text,
    values: change.values,
    read: (rows: unknown) => {
      const read = readRows(rows, false);
      return {
        entered: read.filter((r) => r.change === "entered").map((r) => r.contact),
        left: read.filter((r) => r.change === "left").map((r) => r.contact),
      };
    },
  });
}

/**
 * After the contacts `contactIds` changed (written, inserted or deleted): the statement that
 * re-evaluates them against every segment of `segments` and makes their rows of the members
 * table match, and its lock.
 */
export function contactMembershipsSql(
  ctx: Context,
  segments: SegmentConditions,
  contactIds: unknown,
  members?: unknown,
): ContactMembershipsSql {
  const ids = readArgument(["contactIds"], () =>
    Array.isArray(contactIds) && contactIds.length <= MAX_CONTACTS ? [...(contactIds as unknown[])] : undefined,
  );
  if (ids === undefined || ids.length > MAX_CONTACTS)
    throw bad(["contactIds"], "contacts", `an array of at most ${MAX_CONTACTS} contact ids`, contactIds);
  const wrong = ids.findIndex((id) => !isId(id));
  if (wrong >= 0)
    throw bad(["contactIds", wrong], "contacts", "a contact id, a non-empty string without NUL", ids[wrong]);
  const table = membersTable(members);
  const entries = entriesOf(segments);
  const issues: ConditionIssue[] = [];
  entries.forEach(([id], i) => {
    if (!isId(id))
      issues.push(
        issue(["segments", i, 0], {
          code: "invalid_type",
          reason: "argument",
          argument: "segment_id",
          expected: "a non-empty string without NUL",
          received: describe(id),
        }),
      );
  });
  const { call, roots, at } = segmentTrees(ctx, entries, issues);
  const change = contactMembershipsSqlExpressions(
    roots,
    entries.map(([id]) => id),
    ids as string[],
    call.options,
    table,
    undefined,
    at,
  );
  return Object.freeze({
    text: change.text,
    values: change.values,
    read: (rows: unknown) => {
      const read = readRows(rows, true);
      const of = (kind: string) =>
        read.filter((r) => r.change === kind).map(({ segment, contact }) => ({ segment, contact }));
      return { entered: of("entered"), left: of("left") };
    },
  });
}

/**
 * The advisory locks a members statement needs, held until the transaction ends. Each
 * transaction takes one, after its own writes: `"conditions"` before `segmentMembersSql` (or
 * before deleting a segment's rows), exclusive, so one change of conditions at a time and no
 * contact write meanwhile; `{ contacts }` before reading the conditions for
 * `contactMembershipsSql`, shared (contact writes run side by side) and exclusive on the
 * contacts, by 32 stripes of their ids. The lock is the workspace's (`members.scope`'s value),
 * whatever the members table is called.
 */
export function membersLockSql(change: unknown, members?: unknown): SqlExpression {
  // The lock is the workspace's (its scope's value), whatever the table is called: two spellings of one table still exclude each other.
  const key = membersTable(members).scope?.value ?? "";
  if (change === "conditions") return membersLockSqlExpression(key, undefined);
  const expected = '"conditions" or { contacts }';
  const given = readArgument(["change"], () => ownValues(change));
  if (given === undefined || Object.keys(given).join(",") !== "contacts")
    throw bad(["change"], "options", expected, change);
  const ids = readArgument(["change", "contacts"], () =>
    Array.isArray(given.contacts) && given.contacts.length <= MAX_CONTACTS
      ? [...(given.contacts as unknown[])]
      : undefined,
  );
  if (ids === undefined || ids.length > MAX_CONTACTS)
    throw bad(["change", "contacts"], "contacts", `an array of at most ${MAX_CONTACTS} contact ids`, given.contacts);
  const wrong = ids.findIndex((id) => !isId(id));
  if (wrong >= 0)
    throw bad(["change", "contacts", wrong], "contacts", "a contact id, a non-empty string without NUL", ids[wrong]);
  return membersLockSqlExpression(key, ids as string[]);
}
