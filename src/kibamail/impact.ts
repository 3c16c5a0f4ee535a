/**
 * The report a platform engineer runs before switching to segmatch: for each stored
 * segment, whether it reads as it is stored (`unchanged`), reads with changes that keep its
 * members (`normalised`), would change members if read with the documented meaning instead
 * of today's (`changes_members`: how many would enter and leave), or cannot be read
 * (`unreadable`: why). Members are counted by the contacts' own database through `toSql`,
 * one query per segment; the function takes any `query(text, values)` (node-postgres'
 * `client.query`, PGlite's `db.query`), so the library itself needs no driver.
 */
import {
  ConditionError,
  isConditionError,
  issue,
  readArgument,
  thrownMessage,
  type ConditionIssue,
} from "../errors.js";
import { ownValues } from "../runtime/plain.js";
import { badArgument } from "./errors.js";
import { toSql } from "../functions.js";
import { quotePostgresIdentifier } from "../targets/sql/postgres.js";
import { catalogFromProperties, type PlatformOptions } from "./properties.js";
import { liftStoredCondition, type StoredChange } from "./lift.js";
import type { Condition } from "../language/condition.js";

/** A stored segment: the platform's `Segment` row (`conditions` is null for a static segment). */
export interface StoredSegment {
  readonly id: string;
  readonly name?: string | undefined;
  readonly conditions: unknown;
}

/** A database to count in: anything with node-postgres' `query(text, values)`. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ readonly rows: readonly Record<string, unknown>[] }>;
}

export interface ImpactOptions {
  /** The workspace's custom properties (`{ name, type, slot }`). */
  readonly properties: unknown;
  readonly db: Queryable;
  /** Counts only this workspace's contacts (`"workspaceId" = …`); default: every row of `contacts`. */
  readonly workspaceId?: string | undefined;
  /** The contacts table's name (one identifier; set the search path for another schema); default `contacts`. */
  readonly table?: string | undefined;
}

export type SegmentImpact =
  | {
      readonly id: string;
      readonly name?: string;
      readonly status: "unchanged";
      readonly members: number;
      readonly notes: readonly StoredChange[];
    }
  | {
      readonly id: string;
      readonly name?: string;
      readonly status: "normalised";
      readonly members: number;
      readonly changes: readonly StoredChange[];
    }
  | {
      readonly id: string;
      readonly name?: string;
      readonly status: "changes_members";
      readonly members: number;
      /** Contacts the documented meaning selects and today's reading does not. */
      readonly entering: number;
      /** Contacts today's reading selects and the documented meaning does not. */
      readonly leaving: number;
      readonly changes: readonly StoredChange[];
    }
  | {
      readonly id: string;
      readonly name?: string;
      /** Runs today (members counted); read as documented, it cannot be read (`issues`). */
      readonly status: "documented_unreadable";
      readonly members: number;
      readonly changes: readonly StoredChange[];
      readonly issues: readonly ConditionIssue[];
    }
  | { readonly id: string; readonly name?: string; readonly status: "static" }
  | {
      readonly id: string;
      readonly name?: string;
      readonly status: "unreadable";
      readonly issues: readonly ConditionIssue[];
    };

export interface ImpactReport {
  readonly segments: readonly SegmentImpact[];
  readonly summary: {
    readonly unchanged: number;
    readonly normalised: number;
    readonly changesMembers: number;
    readonly unreadable: number;
    /** Segments that run today but whose documented reading cannot be read (a key the platform ignores holds what no one can run). */
    readonly documentedUnreadable: number;
    readonly static: number;
    /** Segments whose members today depend on LIKE wildcards in a string test (`%`, `\`), read as the platform runs them. */
    readonly likePatterns: number;
    /** Segments with a string range, compared today by the database's collation. */
    readonly collation: number;
  };
}

/** The same JSON value, whatever the order of its keys (a stored row's keys come back in any order). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) => Object.hasOwn(b, k) && sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

/**
 * The impact of switching, segment by segment. A segment that cannot be read is reported,
 * not thrown; bad arguments are a ConditionError.
 */
export async function impactReport(segments: Iterable<StoredSegment>, options: ImpactOptions): Promise<ImpactReport> {
  const given = readArgument(["options"], () => ownValues(options));
  if (given === undefined)
    throw badArgument(["options"], "options", "an object { properties, db, workspaceId?, table? }", options);
  const list = readArgument(["segments"], () =>
    isIterable(segments) ? firstOf(segments, MAX_SEGMENTS + 1) : undefined,
  );
  if (list === undefined) throw badArgument(["segments"], "segments", "a list of stored segments", segments);
  if (list.length > MAX_SEGMENTS)
    throw new ConditionError([
      issue(["segments"], {
        code: "too_many_items",
        reason: "segments",
        maximum: MAX_SEGMENTS,
        limit: "segmentsPerCall",
      }),
    ]);
  const db = given.db as Queryable | undefined;
  if (typeof db !== "object" || db === null || typeof readArgument(["options", "db"], () => db.query) !== "function")
    throw badArgument(["options", "db"], "database", "a database with query(text, values)", db);
  const workspaceId = given.workspaceId;
  if (workspaceId !== undefined && typeof workspaceId !== "string")
    throw badArgument(["options", "workspaceId"], "options", "a workspace id, a string", workspaceId);
  const platform: PlatformOptions = catalogFromProperties(given.properties);
  const table = given.table ?? "contacts";
  if (typeof table !== "string") throw badArgument(["options", "table"], "options", "a table name", table);
  const quoted = quotePostgresIdentifier(table);
  if ("problem" in quoted) throw badArgument(["options", "table"], "options", "a table name", table);
  const out: SegmentImpact[] = [];
  let likePatterns = 0;
  let collation = 0;
  for (const [i, segment] of list.entries()) {
    const s = readArgument(["segments", i], () => ({
      id: segment.id,
      name: segment.name,
      conditions: segment.conditions,
    }));
    const id = typeof s.id === "string" ? s.id : String(i);
    const named = typeof s.name === "string" ? { name: s.name } : {};
    if (s.conditions === null || s.conditions === undefined) {
      out.push({ id, ...named, status: "static" });
      continue;
    }
    let today: { condition: Condition; changes: readonly StoredChange[] };
    try {
      today = liftStoredCondition(s.conditions, { platform });
    } catch (error) {
      if (!isConditionError(error)) throw error;
      out.push({ id, ...named, status: "unreadable", issues: error.issues });
      continue;
    }
    if (today.changes.some((c) => c.change === "like_pattern")) likePatterns++;
    if (today.changes.some((c) => c.change === "collation")) collation++;
    const a = toSql(today.condition, { ...platform, sql: { ...platform.sql, table } });
    let documented: { condition: Condition } | undefined;
    let documentedIssues: readonly ConditionIssue[] = [];
    try {
      documented = liftStoredCondition(s.conditions, { platform, reading: "documented" });
    } catch (error) {
      if (!isConditionError(error)) throw error;
      documentedIssues = error.issues;
    }
    const b =
      documented === undefined
        ? undefined
        : toSql(documented.condition, { ...platform, sql: { ...platform.sql, table, paramOffset: a.values.length } });
    const values = [...a.values, ...(b?.values ?? [])];
    const scope = workspaceId === undefined ? "" : ` WHERE "workspaceId" = $${values.push(workspaceId)}`;
    const moved = b === undefined ? "0" : `(${b.text}) IS TRUE AND (${a.text}) IS NOT TRUE`;
    const kept = b === undefined ? "0" : `(${a.text}) IS TRUE AND (${b.text}) IS NOT TRUE`;
    const rows = await countIn(
      db,
      `SELECT count(*) FILTER (WHERE (${a.text}) IS TRUE) AS members,
              count(*) FILTER (WHERE ${moved === "0" ? "FALSE" : moved}) AS entering,
              count(*) FILTER (WHERE ${kept === "0" ? "FALSE" : kept}) AS leaving
       FROM ${quoted.quoted}${scope}`,
      values,
    );
    const { members, entering, leaving } = rows;
    const form = today.changes.filter((c) => c.change !== "collation");
    if (documented === undefined)
      out.push({
        id,
        ...named,
        status: "documented_unreadable",
        members,
        changes: today.changes,
        issues: documentedIssues,
      });
    else if (entering + leaving > 0)
      out.push({ id, ...named, status: "changes_members", members, entering, leaving, changes: today.changes });
    else if (form.length === 0 && sameJson(today.condition, s.conditions))
      out.push({ id, ...named, status: "unchanged", members, notes: today.changes });
    else out.push({ id, ...named, status: "normalised", members, changes: today.changes });
  }
  const count = (status: SegmentImpact["status"]) => out.filter((x) => x.status === status).length;
  return {
    segments: out,
    summary: {
      unchanged: count("unchanged"),
      normalised: count("normalised"),
      changesMembers: count("changes_members"),
      unreadable: count("unreadable"),
      documentedUnreadable: count("documented_unreadable"),
      static: count("static"),
      likePatterns,
      collation,
    },
  };
}

const isIterable = (x: unknown): x is Iterable<unknown> =>
  typeof x === "object" && x !== null && typeof (x as { [Symbol.iterator]?: unknown })[Symbol.iterator] === "function";

/** At most `n` items of an iterable (an endless one stops there). */
function firstOf<T>(items: Iterable<T>, n: number): T[] {
  const out: T[] = [];
  for (const item of items) {
    out.push(item);
    if (out.length >= n) break;
  }
  return out;
}

/** Segments per report, as per call of the segment functions. */
const MAX_SEGMENTS = 1_000_000;

/** The three counts of one segment, from the caller's database; what it throws or returns otherwise is a ConditionError about it. */
async function countIn(
  db: Queryable,
  text: string,
  values: unknown[],
): Promise<{ members: number; entering: number; leaving: number }> {
  let rows: unknown;
  try {
    rows = (await db.query(text, values)).rows;
  } catch (error) {
    throw new ConditionError([
      issue(["options", "db"], { code: "unreadable_input", reason: "argument", thrown: thrownMessage(error) }),
    ]);
  }
  const row = readArgument(["options", "db"], () => (Array.isArray(rows) ? ownValues(rows[0]) : undefined));
  const count = (x: unknown) =>
    typeof x === "bigint" ? Number(x) : typeof x === "string" && /^\d+$/.test(x) ? Number(x) : x;
  const counts = row && { members: count(row.members), entering: count(row.entering), leaving: count(row.leaving) };
  if (
    counts === undefined ||
    !Object.values(counts).every((n) => typeof n === "number" && Number.isInteger(n) && n >= 0)
  )
    throw badArgument(["options", "db"], "database", "rows with the counts members, entering and leaving", rows);
  return counts as { members: number; entering: number; leaving: number };
}
