/**
 * The segment object and its lifecycle, as the platform's API describes it: create, partial
 * update (`conditions` replaced wholly, never merged; `updatedAt` refreshed), and a preview
 * of new conditions before saving. Every function is pure: inputs are never mutated, each
 * argument is read once and checked before any work starts, and a bad one is a
 * ConditionError whose path names it.
 */
import {
  ConditionError,
  describe,
  issue as coreIssue,
  IssueList,
  readArgument,
  type ArgumentName,
  type ConditionIssue,
  type ConditionPath,
  type IssueInput,
  thrownMessage,
  underPath,
} from "../errors.js";
import { SEGMENTS } from "../messages.js";
import type { Condition } from "../language/condition.js";
import { compile, type CompiledCondition } from "../compile.js";
import { parseIsoDate } from "../catalog/dates.js";
import type { Context } from "../context.js";
import { clockOf, type ConditionOptions } from "../options.js";
import { choices } from "../suggest.js";
import { sourceKind, type Contacts } from "./contacts.js";
import { contactIdOption, countMembers, diffMembership } from "./membership.js";
import { sameValue } from "./segment-index.js";

/** An issue of this module, its message from its chapter of the sentences. */
const issue = (path: ConditionPath, input: IssueInput) => coreIssue(path, input, SEGMENTS);

export interface Segment {
  readonly object: "segment";
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly conditions: Condition;
  /** Members, or `null` when the conditions changed and nobody has counted yet. */
  readonly memberCount: number | null;
  /** ISO-8601. */
  readonly createdAt: string;
  /** ISO-8601. */
  readonly updatedAt: string;
}

export interface SegmentBody {
  readonly name?: string | undefined;
  readonly description?: string | null | undefined;
  readonly conditions?: unknown;
}

const BODY_KEYS = ["name", "description", "conditions"] as const;
const SEGMENT_KEYS = [
  "object",
  "id",
  "name",
  "description",
  "conditions",
  "memberCount",
  "createdAt",
  "updatedAt",
] as const;
const NAME_MAX = 100;
const DESCRIPTION_MAX = 500;

interface Validated {
  name?: string;
  description?: string | null;
  conditions?: Condition;
}

/** Reads the own enumerable properties of a plain object argument once, or refuses it with `message`. */
function readRecord(
  value: unknown,
  at: ConditionPath,
  argument: ArgumentName,
  expected: string,
): Record<string, unknown> {
  return readArgument(at, () => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      throw new ConditionError([
        issue(at, { code: "invalid_type", reason: "argument", argument, expected, received: describe(value) }),
      ]);
    }
    const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    for (const key of Object.keys(value)) out[key] = (value as Record<string, unknown>)[key];
    return out;
  });
}

/** Characters as a person counts them (code points), so that 100 emoji are 100 characters; `s` is well-formed. */
function characters(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) if ((s.charCodeAt(i) & 0xfc00) === 0xd800) n--;
  return n;
}

/** A text field of the body: a well-formed string of at most `max` characters (after trimming, for `name`). */
function text(
  issues: IssueList,
  value: unknown,
  at: ConditionPath,
  label: string,
  max: number,
  trim: boolean,
  nullable: boolean,
): string | null | undefined {
  if (value === null && nullable) return null;
  if (typeof value !== "string") {
    issues.add(at, {
      code: "invalid_type",
      reason: "argument",
      argument: "text",
      key: label,
      expected: nullable ? "a string or null" : "a string",
      received: describe(value),
    });
    return undefined;
  }
  // Trimmed first (a slice, not a copy); then its characters are counted: nothing here copies or allocates by its length.
  const out = trim ? value.trim() : value;
  if (!out.isWellFormed()) {
    issues.add(at, { code: "invalid_string", key: label });
    return undefined;
  }
  const n = characters(out);
  if (n < (trim ? 1 : 0) || n > max) {
    issues.add(at, { code: "invalid_value", reason: "text_length", key: label, size: n, maximum: max, trimmed: trim });
    return undefined;
  }
  return out;
}

/** Conditions validated in the call's context (a compiled condition gives its own); issues under `at`. */
function conditionsAt(issues: IssueList, value: unknown, ctx: Context, at: ConditionPath): Condition | undefined {
  try {
    return ctx.parsed(value, at).condition;
  } catch (error) {
    if (!(error instanceof ConditionError)) throw error;
    issues.items.push(...error.issues);
    return undefined;
  }
}

/** Validates a create or update body; paths start at the body's root. */
function validateBody(
  input: Record<string, unknown>,
  ctx: Context,
  required: readonly (keyof SegmentBody)[],
): Validated {
  const issues = new IssueList(SEGMENTS);
  const out: Validated = {};
  for (const key of Object.keys(input)) {
    if (!(BODY_KEYS as readonly string[]).includes(key)) {
      issues.add([key], {
        code: "unknown_key",
        reason: "condition",
        ...choices(key, BODY_KEYS),
      });
    }
  }
  for (const key of required)
    if (input[key] === undefined) issues.add([key], { code: "missing_key", reason: "body", key });
  if (input.name !== undefined) {
    const name = text(issues, input.name, ["name"], "name", NAME_MAX, true, false);
    if (typeof name === "string") out.name = name;
  }
  if (input.description !== undefined) {
    const description = text(issues, input.description, ["description"], "description", DESCRIPTION_MAX, false, true);
    if (description !== undefined) out.description = description;
  }
  if (input.conditions !== undefined) {
    const conditions = conditionsAt(issues, input.conditions, ctx, ["conditions"]);
    if (conditions) out.conditions = conditions;
  }
  if (!issues.ok) throw new ConditionError(issues.items);
  return out;
}

/** A segment argument (as createSegment returned it, or as stored and read back), checked field by field. */
function readSegment(s: Record<string, unknown>, ctx: Context): Segment {
  const issues = new IssueList(SEGMENTS);
  const bad = (key: string, expected: string) =>
    issues.add(["segment", key], {
      code: "invalid_value",
      reason: "segment_field",
      key,
      expected,
      received: describe(s[key]),
    });
  for (const key of SEGMENT_KEYS)
    if (!(key in s)) issues.add(["segment", key], { code: "missing_key", reason: "segment", key });
  if ("object" in s && s.object !== "segment") bad("object", '"segment"');
  if ("id" in s && (typeof s.id !== "string" || s.id === "")) bad("id", "a non-empty string");
  if ("name" in s && typeof s.name !== "string") bad("name", "a string");
  if ("description" in s && typeof s.description !== "string" && s.description !== null)
    bad("description", "a string or null");
  if (
    "memberCount" in s &&
    s.memberCount !== null &&
    !(typeof s.memberCount === "number" && Number.isSafeInteger(s.memberCount) && s.memberCount >= 0)
  ) {
    bad("memberCount", "a count or null");
  }
  for (const key of ["createdAt", "updatedAt"] as const) {
    if (key in s && (typeof s[key] !== "string" || "problem" in parseIsoDate(s[key])))
      bad(key, "an ISO-8601 datetime with an offset");
  }
  const conditions = "conditions" in s ? conditionsAt(issues, s.conditions, ctx, ["segment", "conditions"]) : undefined;
  if (!issues.ok || conditions === undefined) throw new ConditionError(issues.items);
  return { ...(s as unknown as Segment), conditions };
}

/** The time of a change, ISO-8601, from one reading of the call's clock (epoch milliseconds). */
function iso(now: number): string {
  return new Date(now).toISOString();
}

/** A call's clock, as `options.now` takes it: an instant (a Date, epoch milliseconds) or a function giving one. */
type Clock = Date | number | (() => Date | number);

/**
 * Counts a condition's members where the contacts are, given the condition compiled at the
 * call's instant and that instant: a PostgreSQL count through `toSql(compiled, { …, now: at })`,
 * a MongoDB `countDocuments(compiled.filterAt(at))`. It answers a whole number ≥ 0 (a bigint or
 * a string of digits, as drivers give int8, is read as one).
 */
export type CountMembersIn = (
  compiled: CompiledCondition,
  at: Date,
) => number | bigint | string | Promise<number | bigint | string>;
/** Lists the ids of at most `limit` of a condition's members where the contacts are (`membersPageSql`, a `find` with a limit). */
export type ListMembersIn = (
  compiled: CompiledCondition,
  limit: number,
  at: Date,
) => readonly (string | number | bigint)[] | Promise<readonly (string | number | bigint)[]>;
/** Where a preview counts (and, with `list`, lists) members: the contacts' database. */
export interface MemberQueries {
  readonly count: CountMembersIn;
  readonly list?: ListMembersIn | undefined;
}

/** A lifecycle call's own options on an engine (its condition options are the engine's); `Contact` is what the source holds. */
export interface EngineCreateOptions {
  readonly id: string;
  /** The time of the change (and the instant relative dates are counted at). Default the clock. */
  readonly now?: Clock | undefined;
  /** When given, `memberCount` is counted from them; otherwise it is `null`. */
  readonly contacts?: Contacts | undefined;
  /** When given (instead of `contacts`), `memberCount` is what it answers, and the call returns a promise. */
  readonly count?: CountMembersIn | undefined;
}
export interface EngineUpdateOptions {
  readonly now?: Clock | undefined;
  /** When the conditions change and contacts are given, `memberCount` is recounted. */
  readonly contacts?: Contacts | undefined;
  /** When given (instead of `contacts`), the call returns a promise, and a change of conditions is recounted by it. */
  readonly count?: CountMembersIn | undefined;
}
export interface EnginePreviewOptions<Contact = unknown> {
  readonly now?: Clock | undefined;
  readonly id?: ((contact: Contact) => string) | undefined;
}
/** A preview's own options when it counts in a database: how many entering and leaving ids `list` is asked for. */
export interface EngineDatabasePreviewOptions {
  readonly now?: Clock | undefined;
  /** 1–100, default 20. */
  readonly limit?: number | undefined;
}
/** The free functions' options: the call's own, and the condition options. */
export interface CreateOptions extends EngineCreateOptions, ConditionOptions {}
export interface UpdateOptions extends EngineUpdateOptions, ConditionOptions {}
export interface PreviewOptions<Contact = unknown> extends EnginePreviewOptions<Contact>, ConditionOptions {}
export interface DatabasePreviewOptions extends EngineDatabasePreviewOptions, ConditionOptions {}

interface LifecycleOptions {
  readonly id: unknown;
  /** `options.now` as epoch milliseconds, read once through Date's own method. */
  readonly now: number | undefined;
  readonly contacts: Contacts | undefined;
  readonly count: CountMembersIn | undefined;
}

/** Checks a lifecycle call's own options (already read once, condition options split off): `now`, `contacts` or `count`, and (for create) `id`. */
function readLifecycleOptions(
  options:
    | { readonly id?: unknown; readonly now?: unknown; readonly contacts?: unknown; readonly count?: unknown }
    | undefined,
  required: boolean,
): LifecycleOptions {
  if (options === undefined && required) {
    throw new ConditionError([
      issue(["options"], {
        code: "invalid_options",
        reason: "option_value",
        option: "",
        expected: "an object with the segment's id",
        received: "undefined",
      }),
    ]);
  }
  const read = options ?? {};
  const issues: ConditionIssue[] = [];
  if (required && (typeof read.id !== "string" || read.id === "")) {
    issues.push(
      issue(
        ["options", "id"],
        read.id === undefined
          ? { code: "missing_key", reason: "option", key: "id" }
          : {
              code: "invalid_options",
              reason: "option_value",
              option: "id",
              expected: "a non-empty string (the new segment's id)",
              received: describe(read.id),
            },
      ),
    );
  }
  let now: number | undefined;
  if (read.now !== undefined) {
    const clock = clockOf(read.now);
    if (clock === undefined)
      issues.push(
        issue(["options", "now"], {
          code: "invalid_options",
          reason: "option_value",
          option: "now",
          expected: "a valid Date, epoch milliseconds, or a function that gives one",
          received: describe(read.now),
        }),
      );
    else now = clock();
  }
  if (read.count !== undefined && typeof read.count !== "function")
    issues.push(badOption("count", "a function from a compiled condition to its member count", read.count));
  else if (read.count !== undefined && read.contacts !== undefined)
    issues.push(badOption("count", "left out when contacts are given (contacts or count, not both)", read.count));
  if (issues.length > 0) throw new ConditionError(issues);
  const contacts = read.contacts as Contacts | undefined;
  if (contacts !== undefined) sourceKind(contacts, ["options", "contacts"]);
  return { id: read.id, now, contacts, count: read.count as CountMembersIn | undefined };
}

function badOption(option: string, expected: string, received: unknown): ConditionIssue {
  return issue(["options", option], {
    code: "invalid_options",
    reason: "option_value",
    option,
    expected,
    received: describe(received),
  });
}

/** What a caller's database function gave, awaited; what it throws (other than a ConditionError) is a ConditionError at `at`. */
async function answer(at: ConditionPath, ask: () => unknown): Promise<unknown> {
  try {
    return await ask();
  } catch (error) {
    if (error instanceof ConditionError) throw error;
    throw new ConditionError([
      issue(at, { code: "unreadable_input", reason: "argument", thrown: thrownMessage(error) }),
    ]);
  }
}

function badAnswer(at: ConditionPath, expected: string, received: unknown): ConditionError {
  return new ConditionError([
    issue(at, {
      code: "invalid_type",
      reason: "argument",
      argument: "database",
      expected,
      received: describe(received),
    }),
  ]);
}

/** A member count from `count`, for `conditions` at the instant `now`: a whole number ≥ 0. */
async function countIn(
  count: CountMembersIn,
  compiled: CompiledCondition,
  now: number,
  at: ConditionPath,
): Promise<number> {
  const n = await answer(at, () => count(compiled, new Date(now)));
  const value = typeof n === "bigint" || (typeof n === "string" && /^\d{1,16}$/.test(n)) ? Number(n) : n;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0)
    throw badAnswer(at, "a member count (a whole number ≥ 0)", n);
  return value;
}

/** At most `limit` member ids from `list`, as strings. */
async function listIn(
  list: ListMembersIn,
  compiled: CompiledCondition,
  limit: number,
  now: number,
  at: ConditionPath,
): Promise<string[]> {
  const ids = await answer(at, () => list(compiled, limit, new Date(now)));
  const out = readArgument(at, () =>
    Array.isArray(ids) &&
    ids.length <= limit &&
    ids.every((id) => typeof id === "string" || typeof id === "bigint" || Number.isSafeInteger(id))
      ? ids.map(String)
      : undefined,
  );
  if (out === undefined) throw badAnswer(at, `at most ${limit} ids (strings or whole numbers)`, ids);
  return out;
}

/** Sync when there are no contacts or a sync source; a promise for an async source or a `count` function. */
function withCount<T>(
  conditions: Condition,
  source: { readonly contacts: Contacts | undefined; readonly count: CountMembersIn | undefined },
  ctx: Context,
  now: number,
  make: (count: number | null) => T,
): T | Promise<T> {
  const { contacts, count } = source;
  if (count !== undefined)
    return countIn(count, ctx.at(now).compiled(conditions), now, ["options", "count"]).then(make);
  if (contacts === undefined) return make(null);
  // Relative dates are counted at the instant the timestamps say.
  const counted = countMembers(ctx.at(now), conditions, contacts);
  return counted instanceof Promise ? counted.then(make) : make(counted);
}

/** A call typed as a promise (it counts with a `count` function) rejects on bad arguments rather than throwing. */
function rejecting<T>(promised: boolean, run: () => T | Promise<T>): T | Promise<T> {
  if (!promised) return run();
  try {
    return Promise.resolve(run());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/** Validates a create body and returns the complete segment; `options` are the call's own (`id`, `now`, `contacts`). */
export function createSegment(
  ctx: Context,
  body: unknown,
  options:
    | { readonly id?: unknown; readonly now?: unknown; readonly contacts?: unknown; readonly count?: unknown }
    | undefined,
): Segment | Promise<Segment> {
  // Its own options were read once into a fresh object: `count` is read again here, safely.
  return rejecting(typeof options?.count === "function", () => {
    const { id, now, contacts, count } = readLifecycleOptions(options, true);
    const input = readBody(body);
    // A compiled condition in the body brings its options to a call without options of its own.
    const call = ctx.call(input.conditions);
    const valid = validateBody(input, call, ["name", "conditions"]);
    // One reading of the clock (the call's `now`, or the options' clock) for the timestamps and the count.
    const instant = now ?? call.options.clock();
    const at = iso(instant);
    return withCount(valid.conditions!, { contacts, count }, call, instant, (memberCount) =>
      Object.freeze({
        object: "segment" as const,
        id: id as string,
        name: valid.name!,
        description: valid.description ?? null,
        conditions: valid.conditions!,
        memberCount,
        createdAt: at,
        updatedAt: at,
      }),
    );
  });
}

/** A body's own properties, each read once. */
function readBody(body: unknown): Record<string, unknown> {
  return readRecord(body, [], "body", `an object with ${BODY_KEYS.join(", ")}`);
}

/** A stored segment's own properties, each read once (checked by readSegment). */
function readStored(segment: unknown): Record<string, unknown> {
  return readRecord(segment, ["segment"], "segment", "a segment object, as createSegment returns it");
}

export interface SegmentUpdate {
  readonly segment: Segment;
  /** Whether `conditions` was sent and differs from the old tree. */
  readonly conditionsChanged: boolean;
}

/** An update whose arguments are already read and checked. */
function update(
  segment: Segment,
  valid: Validated,
  now: number | undefined,
  source: { readonly contacts: Contacts | undefined; readonly count: CountMembersIn | undefined },
  ctx: Context,
): SegmentUpdate | Promise<SegmentUpdate> {
  const conditionsChanged = valid.conditions !== undefined && !sameValue(valid.conditions, segment.conditions);
  const instant = now ?? ctx.options.clock();
  const updatedAt = iso(instant);
  const next = (memberCount: number | null): SegmentUpdate =>
    Object.freeze({
      segment: Object.freeze({
        object: "segment" as const,
        id: segment.id,
        name: valid.name ?? segment.name,
        description: valid.description !== undefined ? valid.description : segment.description,
        conditions: valid.conditions ?? segment.conditions,
        memberCount,
        createdAt: segment.createdAt,
        updatedAt,
      }),
      conditionsChanged,
    });
  // With a count function the call is always a promise, whether or not it counts.
  if (!conditionsChanged) return source.count ? Promise.resolve(next(segment.memberCount)) : next(segment.memberCount);
  return withCount(valid.conditions!, source, ctx, instant, next);
}

/**
 * A partial update: only the fields sent change; `conditions` replaces the old tree wholly;
 * `updatedAt` is refreshed and `createdAt` kept. When the conditions changed, `memberCount`
 * is recounted from `contacts`, or becomes `null` ("to be recounted") without them.
 */
export function updateSegment(
  ctx: Context,
  segment: unknown,
  body: unknown,
  options: { readonly now?: unknown; readonly contacts?: unknown; readonly count?: unknown } | undefined,
): SegmentUpdate | Promise<SegmentUpdate> {
  // Its own options were read once into a fresh object: `count` is read again here, safely.
  return rejecting(typeof options?.count === "function", () => {
    const { now, contacts, count } = readLifecycleOptions(options, false);
    const stored = readStored(segment);
    const input = readBody(body);
    // Compiled conditions (in the body, or in the stored segment) bring their options to a call without options of its own.
    const call = ctx.call(input.conditions, stored.conditions);
    const old = readSegment(stored, call);
    const valid = validateBody(input, call, []);
    return update(old, valid, now, { contacts, count }, call);
  });
}

export interface SegmentPreview {
  /** The segment as it would be saved, counted against the given contacts. */
  readonly segment: Segment;
  /** Members under the current conditions, and under the new ones. */
  readonly before: number;
  readonly after: number;
  readonly entered: string[];
  readonly left: string[];
}

/** A preview counted in a database: the counts before and after, and on request the first entering and leaving ids. */
export interface DatabasePreview {
  /** The segment as it would be saved, counted by `count`. */
  readonly segment: Segment;
  /** Members under the current conditions, and under the new ones. */
  readonly before: number;
  readonly after: number;
  /** With `list`: at most `limit` ids of contacts that would enter (as `list` orders them). */
  readonly entered?: readonly string[];
  /** With `list`: at most `limit` ids of contacts that would leave. */
  readonly left?: readonly string[];
}

/** Whether a preview's third argument is a database's `{ count, list? }` rather than contacts. */
function isMemberQueries(value: unknown): boolean {
  return readArgument(
    ["contacts"],
    () =>
      typeof value === "object" &&
      value !== null &&
      !(Symbol.iterator in value) &&
      !(Symbol.asyncIterator in value) &&
      "count" in value,
  );
}

/** Tests new conditions before saving, in one pass over the contacts (or counted in their database); changes nothing. */
export function previewSegmentUpdate(
  ctx: Context,
  segment: unknown,
  body: unknown,
  contacts: Contacts | MemberQueries,
  options: { readonly now?: unknown; readonly id?: unknown; readonly limit?: unknown } | undefined,
): SegmentPreview | Promise<SegmentPreview> | Promise<DatabasePreview> {
  if (isMemberQueries(contacts))
    return rejecting(true, () => previewInDatabase(ctx, segment, body, contacts, options)) as Promise<DatabasePreview>;
  if (options?.limit !== undefined)
    throw new ConditionError([badOption("limit", "no limit: contacts are diffed whole", options.limit)]);
  const id = contactIdOption(options);
  const { call, old, updated, instant } = previewed(ctx, segment, body, options?.now);
  sourceKind(contacts);
  const diff = diffMembership(call.at(instant), old.conditions, updated.segment.conditions, contacts as Contacts, {
    id,
  });
  const make = (d: { entered: string[]; left: string[]; count: number }): SegmentPreview =>
    Object.freeze({
      segment: Object.freeze({ ...updated.segment, memberCount: d.count }),
      before: d.count - d.entered.length + d.left.length,
      after: d.count,
      entered: d.entered,
      left: d.left,
    });
  return diff instanceof Promise ? diff.then(make) : make(diff);
}

const NO_SOURCE = { contacts: undefined, count: undefined } as const;

/** A preview's arguments read and checked, and the segment as the update would save it (uncounted) at one reading of the clock. */
function previewed(
  ctx: Context,
  segment: unknown,
  body: unknown,
  nowOption: unknown,
): { call: Context; old: Segment; updated: SegmentUpdate; instant: number } {
  const { now } = readLifecycleOptions({ now: nowOption }, false);
  const stored = readStored(segment);
  const input = readBody(body);
  // Compiled conditions (in the body, or in the stored segment) bring their options to a call without options of its own.
  const call = ctx.call(input.conditions, stored.conditions);
  const old = readSegment(stored, call);
  const valid = validateBody(input, call, []);
  const instant = now ?? call.options.clock();
  return { call, old, updated: update(old, valid, instant, NO_SOURCE, call) as SegmentUpdate, instant };
}

/** The preview of {@link previewSegmentUpdate} with a database's `{ count, list? }`. */
function previewInDatabase(
  ctx: Context,
  segment: unknown,
  body: unknown,
  database: unknown,
  options: { readonly now?: unknown; readonly id?: unknown; readonly limit?: unknown } | undefined,
): Promise<DatabasePreview> {
  // count and list are read once each, own or inherited (a repository's methods), and called on their object.
  const read = readArgument(["contacts"], () => {
    const db = database as { count?: unknown; list?: unknown };
    return { count: db.count, list: db.list };
  });
  const issues: ConditionIssue[] = [];
  for (const key of ["count", "list"] as const)
    if (typeof read[key] !== "function" && (key === "count" || read[key] !== undefined))
      issues.push(
        issue(["contacts", key], {
          code: "invalid_type",
          reason: "argument",
          argument: "database",
          expected: "a function",
          received: describe(read[key]),
        }),
      );
  if (options?.id !== undefined) issues.push(badOption("id", "no id: the database lists ids", options.id));
  const limit = options?.limit ?? 20;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > 100)
    issues.push(badOption("limit", "a whole number from 1 to 100", limit));
  if (issues.length > 0) throw new ConditionError(issues);
  const count: CountMembersIn = (compiled, at) => (read.count as CountMembersIn).call(database, compiled, at);
  const list: ListMembersIn | undefined =
    read.list === undefined
      ? undefined
      : (compiled, limit, at) => (read.list as ListMembersIn).call(database, compiled, limit, at);
  const { call, old, updated, instant } = previewed(ctx, segment, body, options?.now);
  const { segment: next, conditionsChanged } = updated;
  const at = call.at(instant);
  // The entering and leaving conditions are the two trees combined, compiled before the database is asked:
  // room above the limits for the two levels they add (a filter of depth d + 2 stays within MongoDB's 100 levels, see MAX_DEPTH_CEILING).
  const { limits } = at.options;
  const room = Object.freeze({
    ...at.options,
    limits: Object.freeze({
      ...limits,
      maxDepth: limits.maxDepth + 2,
      maxNodes: 2 * limits.maxNodes + 4,
      maxTotalLength: 2 * limits.maxTotalLength + 16,
      maxPathSegments: 2 * limits.maxPathSegments,
    }),
  });
  const combined = (a: Condition, b: Condition) => {
    try {
      return compile({ $and: [a, { $not: b }] }, room);
    } catch (error) {
      throw error instanceof ConditionError ? underPath(error, ["contacts", "list"]) : error;
    }
  };
  const changes =
    list !== undefined && conditionsChanged
      ? { entering: combined(next.conditions, old.conditions), leaving: combined(old.conditions, next.conditions) }
      : undefined;
  const run = async (): Promise<DatabasePreview> => {
    const before = await countIn(count, at.compiled(old.conditions), instant, ["contacts", "count"]);
    const after = conditionsChanged
      ? await countIn(count, at.compiled(next.conditions), instant, ["contacts", "count"])
      : before;
    const out = { segment: Object.freeze({ ...next, memberCount: after }), before, after };
    if (list === undefined) return Object.freeze(out);
    const ids = (compiled: CompiledCondition | undefined) =>
      compiled ? listIn(list, compiled, limit as number, instant, ["contacts", "list"]) : [];
    const entered = await ids(changes?.entering);
    const left = await ids(changes?.leaving);
    return Object.freeze({ ...out, entered: Object.freeze(entered), left: Object.freeze(left) });
  };
  return run();
}
