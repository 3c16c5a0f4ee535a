/**
 * Counting members and diffing membership, in one pass over any contact source; and the
 * MongoDB filters that compute the same diff inside the database. Every argument is
 * checked before any work starts, so a bad one is a ConditionError and nothing is consumed.
 */
import type { CompiledCondition } from "../compile.js";
import type { Context } from "../context.js";
import { instantOf, type ConditionOptions } from "../options.js";
import type { Node } from "../language/ast.js";
import { asDocument } from "../runtime/path.js";
import { generateCounter, type Counter } from "../targets/predicate/codegen.js";
import { SharedLeaves } from "../targets/predicate/shared.js";
import { lowerTopics } from "../targets/topics.js";
import { isRelative } from "../targets/clock.js";
import {
  ConditionError,
  describe,
  issue as coreIssue,
  readArgument,
  type ConditionIssue,
  type IssueInput,
  type ConditionPath,
} from "../errors.js";
import { SEGMENTS } from "../messages.js";
import { toFilter, type MongoFilter } from "../targets/mongo/filter.js";
import { countField, countManyPipeline, type MongoPipeline } from "../targets/mongo/pipeline.js";
import {
  changeSqlExpressions,
  countManySqlExpression,
  pageSqlExpression,
  type SqlExpression,
} from "../targets/sql/sql.js";
import { pass, sourceKind, type Contacts } from "./contacts.js";
import { EMPTY_DOC, isPlainObject, ownValues } from "../runtime/plain.js";

/** An issue of this module, its message from its chapter of the sentences. */
const issue = (path: ConditionPath, input: IssueInput) => coreIssue(path, input, SEGMENTS);

/** Raw condition input, or what compileCondition returned. */
export type ConditionInput = unknown;

/** How a contact is identified in a diff. Default: `String(doc._id ?? doc.id)`. */
export type ContactId = (contact: unknown) => string;

/**
 * `_id ?? id` as text: a string as it is, an ObjectId as its hex string, a number, bigint or
 * boolean as written, a Date as ISO-8601, anything else as JSON, so that distinct object ids
 * stay distinct (`String()` would make them all "[object Object]"). A contact with neither is
 * refused rather than named "undefined".
 */
const defaultContactId: ContactId = (contact) => {
  const c = contact as { _id?: unknown; id?: unknown } | null | undefined;
  const id = c?._id ?? c?.id;
  if (typeof id === "string") return id;
  if (id === undefined || id === null) {
    // "undefined" for every such contact would merge them into one id without a word.
    throw new ConditionError([
      issue(["contacts"], {
        code: "invalid_type",
        reason: "contact_id",
        expected: "a contact with an _id or an id",
        received: describe(id),
      }),
    ]);
  }
  if (typeof id === "number" || typeof id === "bigint" || typeof id === "boolean") return String(id);
  if (typeof id === "object" && id !== null) {
    const hex = (id as { toHexString?: unknown }).toHexString;
    if (typeof hex === "function") return String(hex.call(id));
    if (id instanceof Date && !Number.isNaN(id.getTime())) return id.toISOString();
  }
  return readArgument(
    ["contacts"],
    () => JSON.stringify(id, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? String(id),
  );
};

/** Contacts entering or leaving in one diff at most (its lists of ids stay well inside V8's array bounds). */
const MAX_CHANGES = 10_000_000;

/** Contacts counted on closures before a many-segment count generates one function for the rest. */
const BULK_AFTER = 256;

/**
 * A compiled condition's predicate at one instant: a relative condition is asked at `at`
 * (one reading of the call's clock, so that a pass over many contacts answers for one
 * instant), any other as it is.
 */
function atInstant(compiled: CompiledCondition, at: () => number): (doc: unknown) => boolean {
  if (!compiled.relative) return compiled.matches;
  const t = at();
  return (doc) => compiled.matchesAt(doc, t);
}

/** One reading of a call's clock, taken the first time it is asked for (a condition without a relative date never asks). */
function clockOnce(clock: () => number): () => number {
  let t: number | undefined;
  return () => (t ??= clock());
}

/** How many contacts match: a number for an Iterable, a promise for an AsyncIterable. */
export function countMembers(ctx: Context, condition: unknown, contacts: Contacts): number | Promise<number> {
  const call = ctx.call(condition);
  const matches = atInstant(call.compiled(condition), clockOnce(call.options.clock));
  const kind = sourceKind(contacts);
  let count = 0;
  return pass(
    contacts,
    kind,
    (contact) => {
      if (matches(contact)) count++;
    },
    () => count,
  );
}

/** Segments given by id: a record, a Map, or [id, condition] pairs. */
export type SegmentConditions =
  | Readonly<Record<string, ConditionInput>>
  | ReadonlyMap<string, ConditionInput>
  | Iterable<readonly [string, ConditionInput]>;

/** Segments of one call at most: an endless iterable of segments is refused rather than read forever. */
const MAX_SEGMENTS = 1_000_000;

/** The [id, condition] pairs of `segments`, read once; ids must be distinct strings. */
export function entriesOf(segments: SegmentConditions): [string, ConditionInput][] {
  const entries = readArgument(["segments"], (): [unknown, unknown][] => {
    if (typeof segments !== "object" || segments === null) {
      throw new ConditionError([
        issue(["segments"], {
          code: "invalid_type",
          reason: "argument",
          argument: "segments",
          expected: "a record, a Map or [id, condition] pairs",
          received: describe(segments),
        }),
      ]);
    }
    if (segments instanceof Map) return [...(segments as Map<unknown, unknown>).entries()];
    if (typeof (segments as Iterable<unknown>)[Symbol.iterator] === "function") {
      const pairs: [unknown, unknown][] = [];
      for (const pair of segments as Iterable<unknown>) {
        if (pairs.length === MAX_SEGMENTS) {
          throw new ConditionError([
            issue(["segments"], {
              code: "too_many_items",
              reason: "segments",
              maximum: MAX_SEGMENTS,
              limit: "segmentsPerCall",
            }),
          ]);
        }
        if (!Array.isArray(pair))
          throw new ConditionError([
            issue(["segments", pairs.length], {
              code: "invalid_type",
              reason: "argument",
              argument: "segment_pair",
              expected: "an [id, condition] pair",
              received: describe(pair),
            }),
          ]);
        pairs.push([pair[0], pair[1]]);
      }
      return pairs;
    }
    return Object.keys(segments).map((id) => [id, (segments as Record<string, unknown>)[id]]);
  });
  const issues: ConditionIssue[] = [];
  const seen = new Set<string>();
  entries.forEach(([id], i) => {
    if (typeof id !== "string")
      issues.push(
        issue(["segments", i, 0], {
          code: "invalid_type",
          reason: "argument",
          argument: "segment_id",
          expected: "a string",
          received: describe(id),
        }),
      );
    else if (seen.has(id))
      issues.push(issue(["segments", i, 0], { code: "duplicate_id", received: JSON.stringify(id.slice(0, 100)) }));
    else seen.add(id);
  });
  if (issues.length > 0) throw new ConditionError(issues);
  return entries as [string, ConditionInput][];
}

/** Member counts of many segments, by segment id, in one pass: the segments share their leaves, each distinct leaf runs at most once per contact. */
export function countMembersMany(
  ctx: Context,
  segments: SegmentConditions,
  contacts: Contacts,
): Record<string, number> | Promise<Record<string, number>> {
  const entries = entriesOf(segments);
  const call = ctx.call(...entries.map(([, condition]) => condition));
  const issues: ConditionIssue[] = [];
  const pool = new SharedLeaves(call.options.semantics);
  const compiled: (readonly [string, (doc: Record<string, unknown>) => boolean])[] = [];
  const roots: Node[] = [];
  for (const [id, condition] of entries) {
    try {
      const added = pool.add(lowerTopics(call.ast(condition, ["segments", id]), call.options), call.options.zone);
      compiled.push([id, added.predicate]);
      roots.push(added.root);
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ConditionError(issues);
  // Relative dates answer for one instant, the whole count long.
  if (pool.clocked) pool.setClock(call.options.clock());
  const kind = sourceKind(contacts);
  const counts = new Array<number>(compiled.length).fill(0);
  // A long pass is worth one generated function for all segments (plain documents only); the first contacts run on the shared closures.
  let counter: Counter | undefined | null = call.options.jitless ? null : undefined;
  let seen = 0;
  return pass(
    contacts,
    kind,
    (contact) => {
      if (counter === undefined && ++seen > BULK_AFTER)
        counter = generateCounter(roots, call.options.semantics) ?? null;
      if (counter && isPlainObject(contact)) {
        counter(contact, counts);
        return;
      }
      const doc = asDocument(contact) ?? EMPTY_DOC;
      pool.begin();
      for (let i = 0; i < compiled.length; i++) if (compiled[i]![1](doc)) counts[i]!++;
    },
    () => {
      const out: Record<string, number> = {};
      // defineProperty: an id may be "__proto__".
      compiled.forEach(([id], i) =>
        Object.defineProperty(out, id, { value: counts[i]!, enumerable: true, writable: true, configurable: true }),
      );
      return out;
    },
  );
}

export interface MembershipDiff {
  /** Ids of contacts that match `after` but not `before`. */
  readonly entered: string[];
  /** Ids of contacts that match `before` but not `after`. */
  readonly left: string[];
  /** Members after the change. */
  readonly count: number;
}

/** A diff's own option on an engine: how a contact is identified (`Contact` is what the source holds). */
export interface EngineDiffOptions<Contact = unknown> extends Between {
  readonly id?: ((contact: Contact) => string) | undefined;
}
/** The free function's options: the diff's own, and the condition options. */
export interface DiffOptions<Contact = unknown> extends EngineDiffOptions<Contact>, ConditionOptions {}

/** Who enters and who leaves when a segment's conditions change from `before` to `after`, in one pass. */
export function diffMembership(
  ctx: Context,
  before: unknown,
  after: unknown,
  contacts: Contacts,
  options: unknown,
): MembershipDiff | Promise<MembershipDiff> {
  const id = contactIdOption(options);
  const { from, to } = betweenOption(options);
  const call = ctx.call(before, after);
  const at = clockOnce(call.options.clock);
  const was = atInstant(call.compiled(before, ["before"]), from === undefined ? at : () => from);
  const is = atInstant(call.compiled(after, ["after"]), to === undefined ? at : () => to);
  const kind = sourceKind(contacts);
  const entered: string[] = [];
  const left: string[] = [];
  let count = 0;
  return pass(
    contacts,
    kind,
    (contact) => {
      const a = was(contact);
      const b = is(contact);
      if (b) count++;
      if (a === b) return;
      // Lists of ids this long end in V8's "invalid size" abort: a ConditionError first.
      if (entered.length + left.length === MAX_CHANGES)
        throw new ConditionError([
          issue(["contacts"], {
            code: "too_many_items",
            reason: "changes",
            maximum: MAX_CHANGES,
            limit: "changesPerDiff",
          }),
        ]);
      (b ? entered : left).push(id(contact));
    },
    () => ({ entered, left, count }),
  );
}

/** The instants of a diff's own options (`from` for `before`, `to` for `after`), each a Date or epoch milliseconds if given. */
export interface Between {
  /** The instant `before`'s relative dates are resolved at. Default: the clock's. */
  readonly from?: Date | number | undefined;
  /** The instant `after`'s relative dates are resolved at. Default: the clock's (the same reading). */
  readonly to?: Date | number | undefined;
}

function betweenOption(options: unknown): { from: number | undefined; to: number | undefined } {
  const read = (key: "from" | "to"): number | undefined => {
    const value = readArgument(["options", key], () =>
      typeof options === "object" && options !== null ? (options as Between)[key] : undefined,
    );
    if (value === undefined) return undefined;
    const t = instantOf(value);
    if (t === undefined)
      throw new ConditionError([
        issue(["options", key], {
          code: "invalid_options",
          reason: "option_value",
          option: key,
          expected: "a valid Date or epoch milliseconds",
          received: describe(value),
        }),
      ]);
    return t;
  };
  return { from: read("from"), to: read("to") };
}

/** The `id` of a diff's own options (already split from condition options): a function, or the default. */
export function contactIdOption(options: unknown): ContactId {
  const id = readArgument(["options", "id"], () =>
    typeof options === "object" && options !== null ? (options as { id?: unknown }).id : undefined,
  );
  if (id !== undefined && typeof id !== "function") {
    throw new ConditionError([
      issue(["options", "id"], {
        code: "invalid_options",
        reason: "option_value",
        option: "id",
        expected: "a function from a contact to its id",
        received: describe(id),
      }),
    ]);
  }
  return (id as ContactId | undefined) ?? defaultContactId;
}

export interface MembershipChangeFilters {
  /** The contacts that match `after` and not `before`. */
  readonly entering: MongoFilter;
  /** The contacts that match `before` and not `after`. */
  readonly leaving: MongoFilter;
}

/** Two MongoDB filters for the same diff inside MongoDB: who would enter and who would leave. */
export function membershipChangeFilters(
  ctx: Context,
  before: unknown,
  after: unknown,
  options?: unknown,
): MembershipChangeFilters {
  const { from, to } = betweenOption(options);
  const call = ctx.call(before, after);
  const was: CompiledCondition = call.compiled(before, ["before"]);
  const is: CompiledCondition = call.compiled(after, ["after"]);
  // Relative dates: `before` at `from`, `after` at `to`, each by default at one reading of the call's clock.
  const at = clockOnce(call.options.clock);
  const a = was.relative ? was.filterAt(from ?? at()) : was.filter;
  const b = is.relative ? is.filterAt(to ?? at()) : is.filter;
  return Object.freeze({
    entering: Object.freeze({ $and: [b, { $nor: [a] }] }),
    leaving: Object.freeze({ $and: [a, { $nor: [b] }] }),
  });
}

/**
 * Every segment's member count in one PostgreSQL statement, one scan of the contacts table:
 * `{ text, values, ids }`, the count of `ids[i]` in the result's column `"i"`. Relative dates
 * resolve at one reading of the clock for all of them.
 */
export function countMembersManySql(
  ctx: Context,
  segments: SegmentConditions,
): SqlExpression & { readonly ids: readonly string[] } {
  const entries = entriesOf(segments);
  const { call, roots, at } = segmentTrees(ctx, entries);
  const sql = countManySqlExpression(roots, call.options, undefined, at);
  return Object.freeze({ text: sql.text, values: sql.values, ids: Object.freeze(entries.map(([id]) => id)) });
}

/**
 * The segments' trees in one call's context, every refusal at its id (with `issues` found
 * before), and one reading of the clock when some tree has a relative date.
 */
export function segmentTrees(
  ctx: Context,
  entries: readonly (readonly [string, ConditionInput])[],
  issues: ConditionIssue[] = [],
): { call: Context; roots: Node[]; at: number | undefined } {
  const call = ctx.call(...entries.map(([, condition]) => condition));
  const roots: Node[] = [];
  for (const [id, condition] of entries) {
    try {
      roots.push(call.ast(condition, ["segments", id]));
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ConditionError(issues);
  return { call, roots, at: roots.some(isRelative) ? call.options.clock() : undefined };
}

/** Every segment's count in one MongoDB aggregation (see {@link countMembersManyPipeline}). */
export interface CountManyPipeline {
  /** The aggregation, for `collection.aggregate(pipeline)`; put your own `$match` (a workspace, say) in front of it. */
  readonly pipeline: MongoPipeline;
  /** The segments' ids, in the order of the pipeline's counts. */
  readonly ids: readonly string[];
  /** The counts by segment id, from what the aggregation returned (its one document, as `toArray()` gives it). */
  read(result: unknown): Record<string, number>;
}

/**
 * Every segment's member count in one MongoDB aggregation, one pass over the collection:
 * each segment's filter is a `$match` in its own `$facet` sub-pipeline, so each count is what
 * `countDocuments(filter)` would answer. Relative dates resolve at one reading of the clock.
 */
export function countMembersManyPipeline(ctx: Context, segments: SegmentConditions): CountManyPipeline {
  const entries = entriesOf(segments);
  // Each filter as compileCondition writes it (relative dates at one reading of the clock).
  const { call, roots, at } = segmentTrees(ctx, entries);
  const pipeline = countManyPipeline(roots.map((root) => toFilter(root, call.options, at)));
  const ids = Object.freeze(entries.map(([id]) => id));
  return Object.freeze({ pipeline, ids, read: (result: unknown) => readCounts(ids, result) });
}

/** The counts of `ids` from the pipeline's result: one document with a whole number ≥ 0 per segment. */
function readCounts(ids: readonly string[], result: unknown): Record<string, number> {
  const out: Record<string, number> = {};
  if (ids.length === 0) return out;
  const doc = readArgument(["result"], () =>
    Array.isArray(result) && result.length === 1 ? ownValues(result[0]) : undefined,
  );
  const counts = ids.map((_, i) => {
    const n: unknown = doc?.[countField(i)];
    // A Long when the driver does not promote it, a bigint from a BSON codec that reads int64 so.
    if (typeof n === "bigint") return Number(n);
    if (typeof n === "object" && n !== null && typeof (n as { toNumber?: unknown }).toNumber === "function")
      return readArgument(["result"], () => (n as { toNumber(): unknown }).toNumber());
    return n;
  });
  if (!counts.every((n) => typeof n === "number" && Number.isSafeInteger(n) && n >= 0))
    throw new ConditionError([
      issue(["result"], {
        code: "invalid_type",
        reason: "argument",
        argument: "database",
        expected: `the aggregation's result: one document with a count for each of ${countField(0)}…${countField(ids.length - 1)}`,
        received: describe(result),
      }),
    ]);
  // defineProperty: an id may be "__proto__".
  ids.forEach((id, i) =>
    Object.defineProperty(out, id, { value: counts[i], enumerable: true, writable: true, configurable: true }),
  );
  return out;
}

/** A page of a condition's members in PostgreSQL, and how to read its rows (see {@link membersPageSql}). */
export interface MembersPageSql extends SqlExpression {
  /** The page's rows (at most `limit`, newest id first) and whether there are more in its direction. */
  read<R>(rows: readonly R[]): { readonly rows: R[]; readonly hasMore: boolean };
}

/**
 * A page of members by keyset pagination on the id column, with the platform's list rules:
 * `limit` 1–100 (default 20), `after` or `before` an id, newest id first. Anything else is a
 * ConditionError at `["page", …]`.
 */
export function membersPageSql(ctx: Context, condition: unknown, page?: unknown): MembersPageSql {
  const given = readArgument(["page"], () => (page === undefined ? {} : ownValues(page)));
  const bad = (path: string[], expected: string, received: unknown) =>
    new ConditionError([
      issue(["page", ...path], {
        code: "invalid_type",
        reason: "argument",
        argument: "page",
        expected,
        received: describe(received),
      }),
    ]);
  if (given === undefined) throw bad([], "an object { limit?, after?, before? }", page);
  for (const key of Object.keys(given))
    if (!["limit", "after", "before"].includes(key)) throw bad([key], "one of limit, after, before", key);
  const limit = given.limit ?? 20;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 100)
    throw bad(["limit"], "a whole number from 1 to 100", limit);
  for (const key of ["after", "before"] as const)
    if (given[key] !== undefined && (typeof given[key] !== "string" || given[key] === ""))
      throw bad([key], "an id, a non-empty string", given[key]);
  if (given.after !== undefined && given.before !== undefined)
    throw bad(["before"], "left out when after is given (after or before, not both)", given.before);
  const call = ctx.call(condition);
  const ast = call.ast(condition);
  const at = isRelative(ast) ? call.options.clock() : undefined;
  const before = given.before as string | undefined;
  const sql = pageSqlExpression(
    ast,
    call.options,
    { limit, after: given.after as string | undefined, before },
    undefined,
    at,
  );
  return Object.freeze({
    text: sql.text,
    values: sql.values,
    read: <R>(rows: readonly R[]) => {
      const kept = rows.slice(0, limit);
      return { rows: before === undefined ? kept : kept.reverse(), hasMore: rows.length > limit };
    },
  });
}

/**
 * The SQL counterpart of {@link membershipChangeFilters}: `{ entering, leaving }` as
 * PostgreSQL expressions (`{ text, values }`), so a server can count or list the contacts
 * that enter or leave a segment inside PostgreSQL. Needs a catalog and `options.sql`.
 */
export function membershipChangeSql(
  ctx: Context,
  before: unknown,
  after: unknown,
  options?: unknown,
): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
  const { from, to } = betweenOption(options);
  const call = ctx.call(before, after);
  const [a, b] = [call.ast(before, ["before"]), call.ast(after, ["after"])];
  const at = clockOnce(call.options.clock);
  return changeSqlExpressions(a, b, call.options, undefined, {
    from: isRelative(a) ? (from ?? at()) : undefined,
    to: isRelative(b) ? (to ?? at()) : undefined,
  });
}
