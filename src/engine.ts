/**
 * The engine: `createSegmatch(options)` checks and resolves the options once, and every
 * function of the package root is a method of the same name that works with them. Each
 * method delegates in one line to the operation the free function also calls (see
 * context.ts for the rule on condition arguments).
 */
import type { CompiledCondition, ConditionOrCompiled, SafeParseResult } from "./compile.js";
import type { FieldDescription } from "./catalog/describe.js";
import { Context, ownOptions } from "./context.js";
import type { Condition } from "./language/condition.js";
import type { MongoVersion } from "./language/versions.js";
import * as op from "./operations.js";
import type { ConditionOptions } from "./options.js";
import type { ContactOf, Contacts, Counted } from "./segments/contacts.js";
import * as membership from "./segments/membership.js";
import type { CountManyPipeline, MembersPageSql } from "./segments/membership.js";
import type {
  Between,
  EngineDiffOptions,
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
  DatabasePreview,
  EngineCreateOptions,
  EngineDatabasePreviewOptions,
  EnginePreviewOptions,
  MemberQueries,
  EngineUpdateOptions,
  Segment,
  SegmentBody,
  SegmentPreview,
  SegmentUpdate,
} from "./segments/segment.js";
import type { MongoFilter } from "./targets/mongo/filter.js";
import type { SqlExpression } from "./targets/sql/sql.js";
import { checkSql } from "./targets/sql/options.js";

export type {
  EngineCreateOptions,
  EngineDatabasePreviewOptions,
  EnginePreviewOptions,
  EngineUpdateOptions,
} from "./segments/segment.js";
export type { EngineDiffOptions } from "./segments/membership.js";

/** The whole API with the options of {@link createSegmatch}: each method is the free function of the same name. */
export interface Segmatch {
  /** The server whose answers the predicates give. */
  readonly mongoVersion: MongoVersion;
  parseCondition<const T = unknown>(input: ConditionOrCompiled<T>): Condition;
  safeParseCondition(input: unknown): SafeParseResult;
  compileCondition<const T = unknown>(input: ConditionOrCompiled<T>): CompiledCondition;
  toMongoFilter<const T = unknown>(input: ConditionOrCompiled<T>): MongoFilter;
  toPredicate<const T = unknown>(input: ConditionOrCompiled<T>): (doc: unknown) => boolean;
  /** A PostgreSQL `WHERE` expression (needs the engine's catalog and `sql` options). */
  toSql<const T = unknown>(condition: ConditionOrCompiled<T>): SqlExpression;
  changeStreamMatch<const T = unknown>(condition: ConditionOrCompiled<T>): MongoFilter;
  /** One English sentence for a condition, in the user's words. */
  explainCondition<const T = unknown>(condition: ConditionOrCompiled<T>): string;
  /** A MongoDB filter lifted into the language (storage paths mapped to the engine's catalog names). */
  fromMongoQuery(filter: unknown): Condition;
  /** The JSON Schema of conditions with the engine's catalog and limits. */
  conditionJsonSchema(): Record<string, unknown>;
  /** The engine's catalog (the built-in `contactFields` when it has none), described for a segment builder. */
  describeFields(): readonly FieldDescription[];
  countMembers<C extends Contacts>(condition: unknown, contacts: C): Counted<C, number>;
  countMembersMany<C extends Contacts>(segments: SegmentConditions, contacts: C): Counted<C, Record<string, number>>;
  diffMembership<C extends Contacts>(
    before: unknown,
    after: unknown,
    contacts: C,
    options?: EngineDiffOptions<ContactOf<C>>,
  ): Counted<C, MembershipDiff>;
  membershipChangeFilters(before: unknown, after: unknown, options?: Between): MembershipChangeFilters;
  membershipChangeSql(
    before: unknown,
    after: unknown,
    options?: Between,
  ): { readonly entering: SqlExpression; readonly leaving: SqlExpression };
  countMembersManySql(segments: SegmentConditions): SqlExpression & { readonly ids: readonly string[] };
  countMembersManyPipeline(segments: SegmentConditions): CountManyPipeline;
  segmentMembersSql(
    segmentId: string,
    condition: unknown,
    members?: membersTable.MembersTableOptions,
  ): membersTable.SegmentMembersSql;
  contactMembershipsSql(
    segments: SegmentConditions,
    contactIds: readonly string[],
    members?: membersTable.MembersTableOptions,
  ): membersTable.ContactMembershipsSql;
  membersLockSql(
    change: "conditions" | { readonly contacts: readonly string[] },
    members?: membersTable.MembersTableOptions,
  ): SqlExpression;
  membersPageSql(
    condition: unknown,
    page?: { readonly limit?: number; readonly after?: string; readonly before?: string },
  ): MembersPageSql;
  createSegmentIndex(): SegmentIndex;
  createSegment(
    body: SegmentBody | unknown,
    options: EngineCreateOptions & { readonly count: CountMembersIn; readonly contacts?: undefined },
  ): Promise<Segment>;
  createSegment<C extends Contacts | undefined = undefined>(
    body: SegmentBody | unknown,
    options: EngineCreateOptions & { readonly contacts?: C | undefined; readonly count?: undefined },
  ): Counted<C, Segment>;
  createSegment(body: SegmentBody | unknown, options: EngineCreateOptions): Segment | Promise<Segment>;
  updateSegment(
    segment: Segment,
    body: SegmentBody | unknown,
    options: EngineUpdateOptions & { readonly count: CountMembersIn; readonly contacts?: undefined },
  ): Promise<SegmentUpdate>;
  updateSegment<C extends Contacts | undefined = undefined>(
    segment: Segment,
    body: SegmentBody | unknown,
    options?: EngineUpdateOptions & { readonly contacts?: C | undefined; readonly count?: undefined },
  ): Counted<C, SegmentUpdate>;
  updateSegment(
    segment: Segment,
    body: SegmentBody | unknown,
    options?: EngineUpdateOptions,
  ): SegmentUpdate | Promise<SegmentUpdate>;
  previewSegmentUpdate(
    segment: Segment,
    body: SegmentBody | unknown,
    database: MemberQueries,
    options?: EngineDatabasePreviewOptions,
  ): Promise<DatabasePreview>;
  previewSegmentUpdate<C extends Contacts>(
    segment: Segment,
    body: SegmentBody | unknown,
    contacts: C,
    options?: EnginePreviewOptions<ContactOf<C>>,
  ): Counted<C, SegmentPreview>;
  previewSegmentUpdate(
    segment: Segment,
    body: SegmentBody | unknown,
    contacts: Contacts | MemberQueries,
    options?: EnginePreviewOptions | EngineDatabasePreviewOptions,
  ): SegmentPreview | Promise<SegmentPreview> | Promise<DatabasePreview>;
}

/** Methods are fields holding arrow functions, so that `const { compileCondition } = engine` works too. */
class Engine implements Segmatch {
  readonly #ctx: Context;
  readonly mongoVersion: MongoVersion;

  constructor(ctx: Context) {
    this.#ctx = ctx;
    this.mongoVersion = ctx.options.semantics.version;
  }

  /** How a message names an engine given where a condition belongs. */
  get "segmatch:describedAs"(): string {
    return "an engine (createSegmatch's)";
  }

  readonly parseCondition = (input: unknown): Condition => op.parseCondition(this.#ctx, input);
  readonly safeParseCondition = (input: unknown): SafeParseResult => op.safeParseCondition(this.#ctx, input);
  readonly compileCondition = (input: unknown): CompiledCondition => op.compileCondition(this.#ctx, input);
  readonly toMongoFilter = (input: unknown): MongoFilter => op.toMongoFilter(this.#ctx, input);
  readonly toPredicate = (input: unknown): ((doc: unknown) => boolean) => op.toPredicate(this.#ctx, input);
  readonly toSql = (condition: unknown): SqlExpression => op.toSql(this.#ctx, condition);
  readonly changeStreamMatch = (condition: unknown): MongoFilter => op.changeStreamMatch(this.#ctx, condition);
  readonly explainCondition = (condition: unknown): string => op.explainCondition(this.#ctx, condition);
  readonly fromMongoQuery = (filter: unknown): Condition => op.fromMongoQuery(this.#ctx, filter);
  readonly conditionJsonSchema = (): Record<string, unknown> => op.conditionJsonSchema(this.#ctx);
  readonly describeFields = (): readonly FieldDescription[] => op.describeFields(this.#ctx);
  readonly countMembers = <C extends Contacts>(condition: unknown, contacts: C) =>
    membership.countMembers(this.#ctx, condition, contacts) as Counted<C, number>;
  readonly countMembersMany = <C extends Contacts>(segments: SegmentConditions, contacts: C) =>
    membership.countMembersMany(this.#ctx, segments, contacts) as Counted<C, Record<string, number>>;
  readonly diffMembership = <C extends Contacts>(
    before: unknown,
    after: unknown,
    contacts: C,
    options?: EngineDiffOptions<ContactOf<C>>,
  ) =>
    membership.diffMembership(this.#ctx, before, after, contacts, ownOptions(options, ["id", "from", "to"])) as Counted<
      C,
      MembershipDiff
    >;
  readonly membershipChangeFilters = (before: unknown, after: unknown, options?: Between): MembershipChangeFilters =>
    membership.membershipChangeFilters(this.#ctx, before, after, ownOptions(options, ["from", "to"]));
  readonly membershipChangeSql = (before: unknown, after: unknown, options?: Between) =>
    membership.membershipChangeSql(this.#ctx, before, after, ownOptions(options, ["from", "to"]));
  readonly countMembersManySql = (segments: SegmentConditions) => membership.countMembersManySql(this.#ctx, segments);
  readonly countMembersManyPipeline = (segments: SegmentConditions): CountManyPipeline =>
    membership.countMembersManyPipeline(this.#ctx, segments);
  readonly segmentMembersSql = (segmentId: string, condition: unknown, members?: membersTable.MembersTableOptions) =>
    membersTable.segmentMembersSql(this.#ctx, segmentId, condition, members);
  readonly contactMembershipsSql = (
    segments: SegmentConditions,
    contactIds: readonly string[],
    members?: membersTable.MembersTableOptions,
  ) => membersTable.contactMembershipsSql(this.#ctx, segments, contactIds, members);
  readonly membersLockSql = (
    change: "conditions" | { readonly contacts: readonly string[] },
    members?: membersTable.MembersTableOptions,
  ): SqlExpression => membersTable.membersLockSql(change, members);
  readonly membersPageSql = (
    condition: unknown,
    page?: { readonly limit?: number; readonly after?: string; readonly before?: string },
  ): MembersPageSql => membership.membersPageSql(this.#ctx, condition, page);
  readonly createSegmentIndex = (): SegmentIndex => index.createSegmentIndex(this.#ctx);
  readonly createSegment = ((body: unknown, options: EngineCreateOptions) =>
    lifecycle.createSegment(
      this.#ctx,
      body,
      ownOptions(options, ["id", "now", "contacts", "count"]),
    )) as Segmatch["createSegment"];
  readonly updateSegment = ((segment: Segment, body: unknown, options?: EngineUpdateOptions) =>
    lifecycle.updateSegment(
      this.#ctx,
      segment,
      body,
      ownOptions(options, ["now", "contacts", "count"]),
    )) as Segmatch["updateSegment"];
  readonly previewSegmentUpdate = ((
    segment: Segment,
    body: unknown,
    contacts: Contacts | MemberQueries,
    options?: EnginePreviewOptions | EngineDatabasePreviewOptions,
  ) =>
    lifecycle.previewSegmentUpdate(
      this.#ctx,
      segment,
      body,
      contacts,
      ownOptions(options, ["now", "id", "limit"]),
    )) as Segmatch["previewSegmentUpdate"];
}

/** An engine: the options are checked and resolved once, here. */
export function createSegmatch(options?: ConditionOptions): Segmatch {
  // An engine's SQL options are checked at once, with the others (see sqlOf).
  return Object.freeze(new Engine(Context.engine(options, checkSql)));
}
