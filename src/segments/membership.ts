/**
 * Counting members and diffing membership, in one pass over any contact source; and the
 * MongoDB filters that compute the same diff inside the database. Every argument is
 * checked before any work starts, so a bad one is a ConditionError and nothing is consumed.
 */
import { astFrom, compiledFrom, compiledOptions, isCompiled, scopeOf, type CompiledCondition, type Scope } from "../compile.js";
import type { Node } from "../language/ast.js";
import type { Semantics } from "../language/versions.js";
import { asDocument } from "../runtime/path.js";
import { generateCounter, type Counter } from "../targets/predicate/codegen.js";
import { SharedLeaves } from "../targets/predicate/shared.js";
import { ConditionError, describe, readArgument, underPath, type ConditionIssue } from "../errors.js";
import { OPTION_KEYS, type ConditionOptions } from "../options.js";
import type { MongoFilter } from "../targets/mongo/filter.js";
import { changeSqlExpressions, type SqlExpression } from "../targets/sql/sql.js";
import { pass, sourceKind, type ContactOf, type Contacts, type Counted } from "./contacts.js";

/** Raw condition input, or what compileCondition returned. */
export type ConditionInput = unknown;

/** How a contact is identified in a diff. Default: `String(doc._id ?? doc.id)`. */
export type ContactId = (contact: unknown) => string;

/**
 * `_id ?? id` as text: a string as it is, an ObjectId as its hex string, a number, bigint or
 * boolean as written, a Date as ISO-8601, anything else as JSON, so that distinct object ids
 * stay distinct (`String()` would make them all "[object Object]").
 */
export const defaultContactId: ContactId = (contact) => {
  const c = contact as { _id?: unknown; id?: unknown } | null | undefined;
  const id = c?._id ?? c?.id;
  if (typeof id === "string") return id;
  if (typeof id === "number" || typeof id === "bigint" || typeof id === "boolean" || id === undefined) return String(id);
  if (typeof id === "object" && id !== null) {
    const hex = (id as { toHexString?: unknown }).toHexString;
    if (typeof hex === "function") return String(hex.call(id));
    if (id instanceof Date && !Number.isNaN(id.getTime())) return id.toISOString();
  }
  return readArgument(["contacts"], () => JSON.stringify(id, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)) ?? String(id));
};

const EMPTY_DOC: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** Contacts counted on closures before a many-segment count generates one function for the rest. */
const BULK_AFTER = 256;

/** An object whose fields the generated code may read by name: a plain object or a null-prototype one. */
function isPlainDocument(x: unknown): x is Record<string, unknown> {
  if (typeof x !== "object" || x === null) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** A condition argument as an AST in `scope`; its issues under `at`. */
function astAt(condition: ConditionInput, scope: Scope, at: readonly (string | number)[]): Node {
  try {
    return astFrom(condition, scope);
  } catch (error) {
    throw error instanceof ConditionError && at.length > 0 ? underPath(error, at) : error;
  }
}

/** A condition argument compiled in `scope`; its issues under `at` (e.g. `["before"]`). */
function compiledAt(condition: ConditionInput, scope: Scope, at: readonly (string | number)[]): CompiledCondition {
  try {
    return compiledFrom(condition, scope);
  } catch (error) {
    throw error instanceof ConditionError && at.length > 0 ? underPath(error, at) : error;
  }
}

/** How many contacts match. A number for an Iterable; a promise for an AsyncIterable. */
export function countMembers<C extends Contacts>(condition: ConditionInput, contacts: C, options?: ConditionOptions): Counted<C, number> {
  return countWith(scopeOf(options), condition, contacts) as Counted<C, number>;
}

/** {@link countMembers} in a scope (an engine's, or a free function's options). */
export function countWith(scope: Scope, condition: ConditionInput, contacts: Contacts): number | Promise<number> {
  const { matches } = compiledAt(condition, scope, []);
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
export type SegmentConditions = Readonly<Record<string, ConditionInput>> | ReadonlyMap<string, ConditionInput> | Iterable<readonly [string, ConditionInput]>;

/** Segments of one call at most: an endless iterable of segments is refused rather than read forever. */
const MAX_SEGMENTS = 1_000_000;

/** The [id, condition] pairs of `segments`, read once; ids must be distinct strings. */
function entriesOf(segments: SegmentConditions): [string, ConditionInput][] {
  const entries = readArgument(["segments"], (): [unknown, unknown][] => {
    if (typeof segments !== "object" || segments === null) {
      throw new ConditionError([{ code: "invalid_type", path: ["segments"], message: `segments must be a record, a Map or [id, condition] pairs, not ${describe(segments)}` }]);
    }
    if (segments instanceof Map) return [...(segments as Map<unknown, unknown>).entries()];
    if (typeof (segments as Iterable<unknown>)[Symbol.iterator] === "function") {
      const pairs: [unknown, unknown][] = [];
      for (const pair of segments as Iterable<unknown>) {
        if (pairs.length === MAX_SEGMENTS) {
          throw new ConditionError([{ code: "too_many_items", path: ["segments"], message: `more than ${MAX_SEGMENTS} segments in one call` }]);
        }
        if (!Array.isArray(pair)) throw new ConditionError([{ code: "invalid_type", path: ["segments", pairs.length], message: `each segment must be an [id, condition] pair, not ${describe(pair)}` }]);
        pairs.push([pair[0], pair[1]]);
      }
      return pairs;
    }
    return Object.keys(segments).map((id) => [id, (segments as Record<string, unknown>)[id]]);
  });
  const issues: ConditionIssue[] = [];
  const seen = new Set<string>();
  entries.forEach(([id], i) => {
    if (typeof id !== "string") issues.push({ code: "invalid_type", path: ["segments", i, 0], message: `a segment id must be a string, not ${describe(id)}` });
    else if (seen.has(id)) issues.push({ code: "duplicate_id", path: ["segments", i, 0], message: `segment id ${JSON.stringify(id.slice(0, 100))} is given twice; each id counts once` });
    else seen.add(id);
  });
  if (issues.length > 0) throw new ConditionError(issues);
  return entries as [string, ConditionInput][];
}

/** Member counts of many segments, by segment id, in one pass over the contacts. */
export function countMembersMany<C extends Contacts>(segments: SegmentConditions, contacts: C, options?: ConditionOptions): Counted<C, Record<string, number>> {
  return countManyWith(scopeOf(options), segments, contacts) as Counted<C, Record<string, number>>;
}

/** {@link countMembersMany} in a scope: the segments share their leaves, each distinct leaf runs at most once per contact. */
export function countManyWith(scope: Scope, segments: SegmentConditions, contacts: Contacts): Record<string, number> | Promise<Record<string, number>> {
  const issues: ConditionIssue[] = [];
  const pools = new Map<Semantics, SharedLeaves>();
  const compiled: (readonly [string, (doc: Record<string, unknown>) => boolean])[] = [];
  const roots: Node[] = [];
  let entriesJitless = false;
  for (const [id, condition] of entriesOf(segments)) {
    try {
      const ast = astAt(condition, scope, ["segments", id]);
      if (isCompiled(condition) && compiledOptions(condition).jitless) entriesJitless = true;
      const sem = (isCompiled(condition) ? compiledOptions(condition) : scope.resolved).semantics;
      let pool = pools.get(sem);
      if (!pool) pools.set(sem, (pool = new SharedLeaves(sem)));
      compiled.push([id, pool.add(ast).predicate]);
      roots.push(ast);
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ConditionError(issues);
  const kind = sourceKind(contacts);
  const counts = new Array<number>(compiled.length).fill(0);
  const poolList = [...pools.values()];
  // A long pass is worth one generated function for all segments (plain documents only); the first contacts run on the shared closures.
  const single = poolList.length === 1 ? [...pools.keys()][0]! : undefined;
  // No generated code where any segment's options say jitless (the scope's, or a compiled condition's own).
  const jitless = scope.resolved.jitless || entriesJitless;
  let counter: Counter | undefined | null = single === undefined || jitless ? null : undefined;
  let seen = 0;
  return pass(
    contacts,
    kind,
    (contact) => {
      if (counter === undefined && ++seen > BULK_AFTER) counter = generateCounter(roots, single!) ?? null;
      if (counter && isPlainDocument(contact)) {
        counter(contact, counts);
        return;
      }
      const doc = asDocument(contact) ?? EMPTY_DOC;
      for (let p = 0; p < poolList.length; p++) poolList[p]!.begin();
      for (let i = 0; i < compiled.length; i++) if (compiled[i]![1](doc)) counts[i]!++;
    },
    () => {
      const out: Record<string, number> = {};
      // defineProperty: an id may be "__proto__".
      compiled.forEach(([id], i) => Object.defineProperty(out, id, { value: counts[i]!, enumerable: true, writable: true, configurable: true }));
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

export interface DiffOptions extends ConditionOptions {
  readonly id?: ContactId | undefined;
}

/** Splits diff options into the contact id function and the condition options, reading each once. */
export function splitDiffOptions(options: DiffOptions | undefined): { id: ContactId; conditionOptions: ConditionOptions | undefined } {
  if (options === undefined) return { id: defaultContactId, conditionOptions: undefined };
  // Only `id` is taken out here; the rest is read (once) by whoever resolves it.
  const { id, rest } = readArgument(["options"], () => {
    if (typeof options !== "object" || options === null) throw new ConditionError([{ code: "invalid_options", path: ["options"], message: `options must be an object, not ${describe(options)}` }]);
    const { id, ...rest } = options;
    return { id, rest };
  });
  if (id !== undefined && typeof id !== "function") {
    throw new ConditionError([{ code: "invalid_options", path: ["options", "id"], message: `id must be a function from a contact to its id, not ${describe(id)}` }]);
  }
  // Only `id` given (a condition option given as undefined is one left out): no condition options, so a compiled condition is taken as it was made.
  const given = Object.keys(rest).some((key) => (rest as Record<string, unknown>)[key] !== undefined || !OPTION_KEYS.includes(key));
  return { id: id ?? defaultContactId, conditionOptions: given ? rest : undefined };
}

/** Who enters and who leaves when a segment's conditions change from `before` to `after`, in one pass. */
export function diffMembership<C extends Contacts>(
  before: ConditionInput,
  after: ConditionInput,
  contacts: C,
  options?: Omit<DiffOptions, "id"> & { readonly id?: ((contact: ContactOf<C>) => string) | undefined },
): Counted<C, MembershipDiff> {
  const { id, conditionOptions } = splitDiffOptions(options as DiffOptions | undefined);
  return diffWith(scopeOf(conditionOptions), before, after, contacts, id) as Counted<C, MembershipDiff>;
}

/** {@link diffMembership} in a scope, with the contact id already read. */
export function diffWith(scope: Scope, before: ConditionInput, after: ConditionInput, contacts: Contacts, id: ContactId): MembershipDiff | Promise<MembershipDiff> {
  const was = compiledAt(before, scope, ["before"]).matches;
  const is = compiledAt(after, scope, ["after"]).matches;
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
      if (a !== b) (b ? entered : left).push(id(contact));
    },
    () => ({ entered, left, count }),
  );
}

/** Two MongoDB filters for the same diff inside MongoDB: who would enter and who would leave. */
export function membershipChangeFilters(before: ConditionInput, after: ConditionInput, options?: ConditionOptions): MembershipChangeFilters {
  return changeFiltersWith(scopeOf(options), before, after);
}

export interface MembershipChangeFilters {
  /** The contacts that match `after` and not `before`. */
  readonly entering: MongoFilter;
  /** The contacts that match `before` and not `after`. */
  readonly leaving: MongoFilter;
}

/** {@link membershipChangeFilters} in a scope. */
export function changeFiltersWith(scope: Scope, before: ConditionInput, after: ConditionInput): MembershipChangeFilters {
  const was: CompiledCondition = compiledAt(before, scope, ["before"]);
  const is: CompiledCondition = compiledAt(after, scope, ["after"]);
  return Object.freeze({
    entering: Object.freeze({ $and: [is.filter, { $nor: [was.filter] }] }),
    leaving: Object.freeze({ $and: [was.filter, { $nor: [is.filter] }] }),
  });
}

/**
 * The SQL counterpart of {@link membershipChangeFilters}: `{ entering, leaving }` as
 * PostgreSQL expressions (`{ text, values }`), so a server can count or list the contacts
 * that enter or leave a segment inside PostgreSQL. Needs a catalog and `options.sql`.
 */
export function membershipChangeSql(before: ConditionInput, after: ConditionInput, options?: ConditionOptions): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
  return changeSqlWith(scopeOf(options), before, after);
}

/** {@link membershipChangeSql} in a scope. */
export function changeSqlWith(scope: Scope, before: ConditionInput, after: ConditionInput): { readonly entering: SqlExpression; readonly leaving: SqlExpression } {
  const astAt = (condition: ConditionInput, at: string) => {
    try {
      return astFrom(condition, scope);
    } catch (error) {
      throw error instanceof ConditionError ? underPath(error, [at]) : error;
    }
  };
  return changeSqlExpressions(astAt(before, "before"), astAt(after, "after"), scope.resolved);
}
