/**
 * The compiler instance: `createSegmatch(options)` validates and resolves the options
 * (catalog, topics, limits, `mongoVersion`) once, and every method works with them. A
 * compiled condition remembers the options it was compiled with; an engine refuses one
 * compiled with other settings (code `foreign_condition`) instead of silently using it.
 * The free functions of the package root are the same operations with per-call options.
 */
import { compileWith, explainWith, filterWith, predicateWith, safeResult, sqlWith, type CompiledCondition, type SafeParseResult, type Scope, type SqlConditionArgument } from "./compile.js";
import { describeFields, describeResolved, type FieldDescription } from "./catalog/describe.js";
import { ConditionError } from "./errors.js";
import type { Condition, ConditionArgument } from "./language/condition.js";
import type { MongoVersion } from "./language/versions.js";
import { resolveOptions, type ConditionOptions, type ResolvedOptions } from "./options.js";
import { parseOrThrowWith, parseWith } from "./parse/parse.js";
import { fromMongoWith } from "./parse/from-mongo.js";
import { conditionSchemaWith } from "./parse/json-schema.js";
import type { ContactOf, Contacts, Counted } from "./segments/contacts.js";
import {
  changeFiltersWith, changeSqlWith, countManyWith, countWith, diffWith, splitDiffOptions, type ConditionInput, type DiffOptions, type MembershipChangeFilters, type MembershipDiff,
  type SegmentConditions,
} from "./segments/membership.js";
import { createIndexWith, type SegmentIndex } from "./segments/segment-index.js";
import { createSegmentWith, previewWith, updateSegmentWith, type Segment, type SegmentBody, type SegmentPreview, type SegmentUpdate } from "./segments/segment.js";
import type { MongoFilter } from "./targets/mongo/filter.js";
import type { SqlExpression } from "./targets/sql/sql.js";

/** Options of one segment lifecycle call on an engine: the condition options are the engine's. */
export interface EngineCreateOptions {
  readonly id: string;
  readonly now?: Date | undefined;
  readonly contacts?: Contacts | undefined;
}
export interface EngineUpdateOptions {
  readonly now?: Date | undefined;
  readonly contacts?: Contacts | undefined;
}
/** Options of an engine's `previewSegmentUpdate`; `Contact` is the type of the source's contacts, which `id` receives. */
export interface EnginePreviewOptions<Contact = unknown> {
  readonly now?: Date | undefined;
  readonly id?: ((contact: Contact) => string) | undefined;
}

/** The whole API, with the options of {@link createSegmatch} resolved once. */
export interface Segmatch {
  /** The server whose answers the predicates give. */
  readonly mongoVersion: MongoVersion;
  parse<const T = unknown>(input: ConditionArgument<T>): Condition;
  safeParse(input: unknown): SafeParseResult;
  compile<const T = unknown>(input: ConditionArgument<T>): CompiledCondition;
  toMongoFilter<const T = unknown>(input: ConditionArgument<T>): MongoFilter;
  toPredicate<const T = unknown>(input: ConditionArgument<T>): (doc: unknown) => boolean;
  countMembers<C extends Contacts>(condition: ConditionInput, contacts: C): Counted<C, number>;
  countMembersMany<C extends Contacts>(segments: SegmentConditions, contacts: C): Counted<C, Record<string, number>>;
  diffMembership<C extends Contacts>(before: ConditionInput, after: ConditionInput, contacts: C, options?: { readonly id?: ((contact: ContactOf<C>) => string) | undefined }): Counted<C, MembershipDiff>;
  membershipChangeFilters(before: ConditionInput, after: ConditionInput): MembershipChangeFilters;
  createIndex(): SegmentIndex;
  createSegment<C extends Contacts | undefined = undefined>(body: SegmentBody | unknown, options: EngineCreateOptions & { readonly contacts?: C | undefined }): Counted<C, Segment>;
  updateSegment<C extends Contacts | undefined = undefined>(segment: Segment, body: SegmentBody | unknown, options?: EngineUpdateOptions & { readonly contacts?: C | undefined }): Counted<C, SegmentUpdate>;
  previewSegmentUpdate<C extends Contacts>(segment: Segment, body: SegmentBody | unknown, contacts: C, options?: EnginePreviewOptions<ContactOf<C>>): Counted<C, SegmentPreview>;
  /** A MongoDB filter lifted into the language (storage paths mapped to the engine's catalog names). */
  fromMongoQuery(filter: unknown): Condition;
  /** One English sentence for a condition, in the user's words. */
  explain(condition: ConditionInput): string;
  /** A PostgreSQL `WHERE` expression (needs the engine's catalog and `sql` options). */
  toSql<const T = unknown>(condition: SqlConditionArgument<T>): SqlExpression;
  /** The SQL counterpart of membershipChangeFilters. */
  membershipChangeSql(before: ConditionInput, after: ConditionInput): { readonly entering: SqlExpression; readonly leaving: SqlExpression };
  /** The JSON Schema of conditions with the engine's catalog and limits. */
  conditionJsonSchema(): Record<string, unknown>;
  /** The engine's catalog (the built-in `contactFields` when it has none), described for a segment builder. */
  describeFields(): readonly FieldDescription[];
}

class Engine implements Segmatch {
  private readonly scope: Scope;
  constructor(private readonly resolved: ResolvedOptions) {
    this.scope = Object.freeze({ resolved, strict: true });
  }
  get mongoVersion(): MongoVersion {
    return this.resolved.semantics.version;
  }
  parse(input: unknown): Condition {
    return parseOrThrowWith(input, this.resolved).condition;
  }
  safeParse(input: unknown): SafeParseResult {
    return safeResult(parseWith(input, this.resolved));
  }
  compile(input: unknown): CompiledCondition {
    return compileWith(input, this.resolved);
  }
  toMongoFilter(input: unknown): MongoFilter {
    return filterWith(input, this.resolved);
  }
  toPredicate(input: unknown): (doc: unknown) => boolean {
    return predicateWith(input, this.resolved);
  }
  countMembers<C extends Contacts>(condition: ConditionInput, contacts: C): Counted<C, number> {
    return countWith(this.scope, condition, contacts) as Counted<C, number>;
  }
  countMembersMany<C extends Contacts>(segments: SegmentConditions, contacts: C): Counted<C, Record<string, number>> {
    return countManyWith(this.scope, segments, contacts) as Counted<C, Record<string, number>>;
  }
  diffMembership<C extends Contacts>(before: ConditionInput, after: ConditionInput, contacts: C, options?: { readonly id?: ((contact: ContactOf<C>) => string) | undefined }): Counted<C, MembershipDiff> {
    const { id, conditionOptions } = splitDiffOptions(options as DiffOptions | undefined);
    if (conditionOptions !== undefined && Object.keys(conditionOptions).length > 0) {
      throw new ConditionError(Object.keys(conditionOptions).map((key) => ({ code: "invalid_options" as const, path: ["options", key], message: `unknown option "${key}" here: condition options are given once, to createSegmatch` })));
    }
    return diffWith(this.scope, before, after, contacts, id) as Counted<C, MembershipDiff>;
  }
  membershipChangeFilters(before: ConditionInput, after: ConditionInput): MembershipChangeFilters {
    return changeFiltersWith(this.scope, before, after);
  }
  createIndex(): SegmentIndex {
    return createIndexWith(this.scope);
  }
  createSegment<C extends Contacts | undefined = undefined>(body: SegmentBody | unknown, options: EngineCreateOptions & { readonly contacts?: C | undefined }): Counted<C, Segment> {
    return createSegmentWith(this.resolved, body, options) as Counted<C, Segment>;
  }
  updateSegment<C extends Contacts | undefined = undefined>(segment: Segment, body: SegmentBody | unknown, options?: EngineUpdateOptions & { readonly contacts?: C | undefined }): Counted<C, SegmentUpdate> {
    return updateSegmentWith(this.resolved, segment, body, options) as Counted<C, SegmentUpdate>;
  }
  previewSegmentUpdate<C extends Contacts>(segment: Segment, body: SegmentBody | unknown, contacts: C, options?: EnginePreviewOptions<ContactOf<C>>): Counted<C, SegmentPreview> {
    return previewWith(this.resolved, segment, body, contacts, options) as Counted<C, SegmentPreview>;
  }
  fromMongoQuery(filter: unknown): Condition {
    return fromMongoWith(filter, this.resolved);
  }
  conditionJsonSchema(): Record<string, unknown> {
    return conditionSchemaWith(this.resolved);
  }
  toSql(condition: unknown): SqlExpression {
    return sqlWith(condition, this.scope);
  }
  membershipChangeSql(before: ConditionInput, after: ConditionInput): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
    return changeSqlWith(this.scope, before, after);
  }
  explain(condition: ConditionInput): string {
    return explainWith(condition, this.scope);
  }
  describeFields(): readonly FieldDescription[] {
    return this.resolved.fields ? describeResolved(this.resolved.fields.values()) : describeFields();
  }
}

/** A compiler instance: the options are checked and resolved once, here. */
export function createSegmatch(options?: ConditionOptions): Segmatch {
  const engine = new Engine(resolveOptions(options));
  // Methods bound to the engine, so that `const { compile } = segmatch` works as well.
  const api: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Engine.prototype)) {
    if (name === "constructor" || name === "mongoVersion") continue;
    const method = (engine as unknown as Record<string, (...args: unknown[]) => unknown>)[name]!;
    api[name] = method.bind(engine);
  }
  api.mongoVersion = engine.mongoVersion;
  return Object.freeze(api) as unknown as Segmatch;
}

