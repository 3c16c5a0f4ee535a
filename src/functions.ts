/**
 * The free functions of the package root: each is the engine's method of the same name
 * with per-call options, and delegates in one line to the operation both share (a
 * {@link Context} of its options; without options, the default one, which takes a compiled
 * condition with the options it was compiled with).
 */
import type { CompiledCondition, ConditionOrCompiled, SafeParseResult } from "./compile.js";
import type { FieldDescription } from "./catalog/describe.js";
import { Context, splitOptions } from "./context.js";
import { ConditionError } from "./errors.js";
import type { Condition } from "./language/condition.js";
import * as op from "./operations.js";
import type { ConditionOptions } from "./options.js";
import type { ContactOf, Contacts, Counted } from "./segments/contacts.js";
import * as membership from "./segments/membership.js";
import type {
  Between,
  DiffOptions,
  MembershipChangeFilters,
  MembershipDiff,
  SegmentConditions,
} from "./segments/membership.js";
import * as index from "./segments/segment-index.js";
import type { SegmentIndex } from "./segments/segment-index.js";
import * as lifecycle from "./segments/segment.js";
import * as membersTable from "./segments/members-table.js";
import type {
  CountMembersIn,
  CreateOptions,
  DatabasePreview,
  DatabasePreviewOptions,
  MemberQueries,
  PreviewOptions,
  Segment,
  SegmentBody,
  SegmentPreview,
  SegmentUpdate,
  UpdateOptions,
} from "./segments/segment.js";
import type { MongoFilter } from "./targets/mongo/filter.js";
import type { SqlExpression } from "./targets/sql/sql.js";
import { checkSql } from "./targets/sql/options.js";

/** Returns a validated, frozen copy of `input`, or throws a {@link ConditionError} listing every issue. */
export function parseCondition<const T = unknown>(
  input: ConditionOrCompiled<T>,
  options?: ConditionOptions,
): Condition {
  return op.parseCondition(Context.of(options), input);
}

/** Like {@link parseCondition}, but returns the error (bad options included) instead of throwing it, as zod's `safeParse`. */
export function safeParseCondition(input: unknown, options?: ConditionOptions): SafeParseResult {
  try {
    return op.safeParseCondition(Context.of(options), input);
  } catch (error) {
    if (error instanceof ConditionError) return { success: false, error };
    throw error;
  }
}

/** Validates once; the filter and the predicate are built from the same AST on first use. */
export function compileCondition<const T = unknown>(
  input: ConditionOrCompiled<T>,
  options?: ConditionOptions,
): CompiledCondition {
  return op.compileCondition(Context.of(options), input);
}

/** The MongoDB filter alone. */
export function toMongoFilter<const T = unknown>(
  input: ConditionOrCompiled<T>,
  options?: ConditionOptions,
): MongoFilter {
  return op.toMongoFilter(Context.of(options), input);
}

/** The in-memory predicate alone: exactly what MongoDB answers for the filter. */
export function toPredicate<const T = unknown>(
  input: ConditionOrCompiled<T>,
  options?: ConditionOptions,
): (doc: unknown) => boolean {
  return op.toPredicate(Context.of(options), input);
}

/**
 * A PostgreSQL boolean expression for a `WHERE` clause, `{ text, values }` with `$n`
 * placeholders, selecting exactly the contacts the predicate accepts. Needs a catalog
 * (`options.fields`) and `options.sql`.
 */
export function toSql<const T = unknown>(condition: ConditionOrCompiled<T>, options?: ConditionOptions): SqlExpression {
  return op.toSql(Context.of(options, checkSql), condition);
}

/** The filter for a change stream's `$match`: field paths under `fullDocument.`, and events without a document (deletes) excluded. */
export function changeStreamMatch<const T = unknown>(
  condition: ConditionOrCompiled<T>,
  options?: ConditionOptions,
): MongoFilter {
  return op.changeStreamMatch(Context.of(options), condition);
}

/** One English sentence for a condition, in the user's words: field names as written, values as given. */
export function explainCondition<const T = unknown>(
  condition: ConditionOrCompiled<T>,
  options?: ConditionOptions,
): string {
  return op.explainCondition(Context.of(options), condition);
}

/**
 * Lifts a MongoDB filter into the language: the validated condition with exactly the
 * filter's meaning, or a ConditionError with the path (under `filter`) of every part that
 * cannot be lifted. With a catalog, storage paths become field names.
 */
export function fromMongoQuery(filter: unknown, options?: ConditionOptions): Condition {
  return op.fromMongoQuery(Context.of(options), filter);
}

/** The JSON Schema (draft 2020-12) of conditions; with a catalog, `field` is one of its names, with each field's operators and value types. */
export function conditionJsonSchema(options?: ConditionOptions): Record<string, unknown> {
  return op.conditionJsonSchema(Context.of(options));
}

/** The catalog of `options.fields` (the built-in `contactFields` when there is none), per field: type, operators in words, an enum's values. */
export function describeFields(options?: ConditionOptions): readonly FieldDescription[] {
  return op.describeFields(Context.of(options));
}

/** How many contacts match: a number for an Iterable, a promise for an AsyncIterable. */
export function countMembers<C extends Contacts>(
  condition: unknown,
  contacts: C,
  options?: ConditionOptions,
): Counted<C, number> {
  return membership.countMembers(Context.of(options), condition, contacts) as Counted<C, number>;
}

/** Member counts of many segments, by id, in one pass; the segments share their leaf tests. */
export function countMembersMany<C extends Contacts>(
  segments: SegmentConditions,
  contacts: C,
  options?: ConditionOptions,
): Counted<C, Record<string, number>> {
  return membership.countMembersMany(Context.of(options), segments, contacts) as Counted<C, Record<string, number>>;
}

/** Who enters and who leaves when a segment's conditions change, in one pass; `options.id` gets the source's contact type. */
export function diffMembership<C extends Contacts>(
  before: unknown,
  after: unknown,
  contacts: C,
  options?: DiffOptions<ContactOf<C>>,
): Counted<C, MembershipDiff> {
  const { own, conditions } = splitOptions(options, ["id", "from", "to"]);
  return membership.diffMembership(Context.of(conditions), before, after, contacts, own) as Counted<C, MembershipDiff>;
}

/** Two MongoDB filters for the same diff inside MongoDB: who would enter, and who would leave. */
export function membershipChangeFilters(
  before: unknown,
  after: unknown,
  options?: ConditionOptions & Between,
): MembershipChangeFilters {
  const { own, conditions } = splitOptions(options, ["from", "to"]);
  return membership.membershipChangeFilters(Context.of(conditions), before, after, own);
}

/**
 * Every segment's member count in one PostgreSQL statement (one scan of `sql.table`): the
 * count of `ids[i]` is the result's column `"i"`. Needs a catalog and `options.sql`.
 */
export function countMembersManySql(
  segments: SegmentConditions,
  options?: ConditionOptions,
): SqlExpression & { readonly ids: readonly string[] } {
  return membership.countMembersManySql(Context.of(options, checkSql), segments);
}

/**
 * Every segment's member count in one MongoDB aggregation (one pass over the collection,
 * each count what `countDocuments` would answer): `{ pipeline, ids, read(result) }`.
 */
export function countMembersManyPipeline(
  segments: SegmentConditions,
  options?: ConditionOptions,
): membership.CountManyPipeline {
  return membership.countMembersManyPipeline(Context.of(options), segments);
}

/**
 * A page of a condition's members in PostgreSQL (keyset on `sql.id`, newest first; `limit`
 * 1–100, default 20; `after` or `before` an id), and `read(rows)` for the page and `hasMore`.
 */
export function membersPageSql(
  condition: unknown,
  options?: ConditionOptions,
  page?: { readonly limit?: number; readonly after?: string; readonly before?: string },
): membership.MembersPageSql {
  return membership.membersPageSql(Context.of(options, checkSql), condition, page);
}

/**
 * After a segment's condition changed: the PostgreSQL statement that makes the members table
 * (default `segment_members (segment_id, contact_id)`) hold exactly the contacts the condition
 * selects for it, returning who entered and left (after `membersLockSql("conditions")` in the
 * same transaction). Needs a catalog and `options.sql`.
 */
export function segmentMembersSql(
  segmentId: string,
  condition: unknown,
  options?: ConditionOptions,
  members?: membersTable.MembersTableOptions,
): membersTable.SegmentMembersSql {
  return membersTable.segmentMembersSql(Context.of(options, checkSql), segmentId, condition, members);
}

/**
 * The advisory locks a members statement needs, first in its transaction: `"conditions"` before
 * `segmentMembersSql`, `{ contacts }` before reading the conditions for `contactMembershipsSql`.
 */
export function membersLockSql(
  change: "conditions" | { readonly contacts: readonly string[] },
  members?: membersTable.MembersTableOptions,
): SqlExpression {
  return membersTable.membersLockSql(change, members);
}

/**
 * After contacts changed: the PostgreSQL statement that re-evaluates them against every
 * segment given and makes their rows of the members table match, returning the memberships
 * that began and ended (after `membersLockSql({ contacts })` and then reading the
 * conditions, in the same transaction).
 */
export function contactMembershipsSql(
  segments: SegmentConditions,
  contactIds: readonly string[],
  options?: ConditionOptions,
  members?: membersTable.MembersTableOptions,
): membersTable.ContactMembershipsSql {
  return membersTable.contactMembershipsSql(Context.of(options, checkSql), segments, contactIds, members);
}

/** The SQL counterpart of {@link membershipChangeFilters}. Needs a catalog and `options.sql`. */
export function membershipChangeSql(
  before: unknown,
  after: unknown,
  options?: ConditionOptions & Between,
): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
  const { own, conditions } = splitOptions(options, ["from", "to"]);
  return membership.membershipChangeSql(Context.of(conditions, checkSql), before, after, own);
}

/** An index of many segments, for workers that react to contact updates (options resolved once, now). */
export function createSegmentIndex(options?: ConditionOptions): SegmentIndex {
  return index.createSegmentIndex(Context.of(options));
}

/**
 * Validates a create body and returns the complete segment: `memberCount` counted from
 * `options.contacts`, or by `options.count` where the contacts are (then a promise), or `null`.
 */
export function createSegment(
  body: SegmentBody | unknown,
  options: CreateOptions & { readonly count: CountMembersIn; readonly contacts?: undefined },
): Promise<Segment>;
export function createSegment<C extends Contacts | undefined = undefined>(
  body: SegmentBody | unknown,
  options: CreateOptions & { readonly contacts?: C | undefined; readonly count?: undefined },
): Counted<C, Segment>;
export function createSegment(body: SegmentBody | unknown, options: CreateOptions): Segment | Promise<Segment>;
export function createSegment(body: unknown, options: CreateOptions): Segment | Promise<Segment> {
  const { own, conditions } = splitOptions(options, ["id", "now", "contacts", "count"]);
  return lifecycle.createSegment(Context.of(conditions), body, own);
}

/**
 * A partial update: only the fields sent change; when the conditions changed, `memberCount` is
 * recounted from `contacts` or by `count` (then a promise), else it becomes `null`.
 */
export function updateSegment(
  segment: Segment,
  body: SegmentBody | unknown,
  options: UpdateOptions & { readonly count: CountMembersIn; readonly contacts?: undefined },
): Promise<SegmentUpdate>;
export function updateSegment<C extends Contacts | undefined = undefined>(
  segment: Segment,
  body: SegmentBody | unknown,
  options?: UpdateOptions & { readonly contacts?: C | undefined; readonly count?: undefined },
): Counted<C, SegmentUpdate>;
export function updateSegment(
  segment: Segment,
  body: SegmentBody | unknown,
  options?: UpdateOptions,
): SegmentUpdate | Promise<SegmentUpdate>;
export function updateSegment(
  segment: Segment,
  body: unknown,
  options?: UpdateOptions,
): SegmentUpdate | Promise<SegmentUpdate> {
  const { own, conditions } = splitOptions(options, ["now", "contacts", "count"]);
  return lifecycle.updateSegment(Context.of(conditions), segment, body, own);
}

/**
 * New conditions tried before saving, changing nothing: in one pass over the contacts, or
 * counted in their database by `{ count, list? }` (a promise: the counts before and after, and
 * with `list` the first `limit` entering and leaving ids).
 */
export function previewSegmentUpdate(
  segment: Segment,
  body: SegmentBody | unknown,
  database: MemberQueries,
  options?: DatabasePreviewOptions,
): Promise<DatabasePreview>;
export function previewSegmentUpdate<C extends Contacts>(
  segment: Segment,
  body: SegmentBody | unknown,
  contacts: C,
  options?: PreviewOptions<ContactOf<C>>,
): Counted<C, SegmentPreview>;
export function previewSegmentUpdate(
  segment: Segment,
  body: SegmentBody | unknown,
  contacts: Contacts | MemberQueries,
  options?: PreviewOptions | DatabasePreviewOptions,
): SegmentPreview | Promise<SegmentPreview> | Promise<DatabasePreview>;
export function previewSegmentUpdate(
  segment: Segment,
  body: unknown,
  contacts: Contacts | MemberQueries,
  options?: PreviewOptions | DatabasePreviewOptions,
): SegmentPreview | Promise<SegmentPreview> | Promise<DatabasePreview> {
  const { own, conditions } = splitOptions(options, ["now", "id", "limit"]);
  return lifecycle.previewSegmentUpdate(Context.of(conditions), segment, body, contacts, own);
}
