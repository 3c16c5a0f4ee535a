/**
 * Counting members and diffing membership, in one pass over any contact source; and the
 * MongoDB filters that compute the same diff inside the database. Every argument is
 * checked before any work starts, so a bad one is a ConditionError and nothing is consumed.
 */
import { compiledFrom, type CompiledCondition } from "../compile.js";
import { ConditionError, describe, readArgument, underPath, type ConditionIssue } from "../errors.js";
import { resolveOptions, type ConditionOptions } from "../options.js";
import type { MongoFilter } from "../targets/mongo-filter.js";
import { pass, sourceKind, type Contacts, type Counted } from "./contacts.js";

/** Raw condition input, or what compileCondition returned. */
export type ConditionInput = unknown;

/** How a contact is identified in a diff. Default: `String(doc._id ?? doc.id)`. */
export type ContactId = (contact: unknown) => string;

export const defaultContactId: ContactId = (contact) => {
  const c = contact as { _id?: unknown; id?: unknown } | null | undefined;
  return String(c?._id ?? c?.id);
};

/** A condition argument compiled with already-checked options; its issues under `at` (e.g. `["before"]`). */
function compiledAt(condition: ConditionInput, options: ConditionOptions | undefined, at: readonly (string | number)[]): CompiledCondition {
  try {
    return compiledFrom(condition, options);
  } catch (error) {
    throw error instanceof ConditionError && at.length > 0 ? underPath(error, at) : error;
  }
}

/** How many contacts match. A number for an Iterable; a promise for an AsyncIterable. */
export function countMembers<C extends Contacts>(condition: ConditionInput, contacts: C, options?: ConditionOptions): Counted<C, number> {
  resolveOptions(options);
  const { matches } = compiledAt(condition, options, []);
  const kind = sourceKind(contacts);
  let count = 0;
  return pass(
    contacts,
    kind,
    (contact) => {
      if (matches(contact)) count++;
    },
    () => count,
  ) as Counted<C, number>;
}

/** Segments given by id: a record, a Map, or [id, condition] pairs. */
export type SegmentConditions = Readonly<Record<string, ConditionInput>> | ReadonlyMap<string, ConditionInput> | Iterable<readonly [string, ConditionInput]>;

/** The [id, condition] pairs of `segments`, read once; ids must be distinct strings. */
function entriesOf(segments: SegmentConditions): [string, ConditionInput][] {
  const entries = readArgument(["segments"], (): [unknown, unknown][] => {
    if (typeof segments !== "object" || segments === null) {
      throw new ConditionError([{ code: "invalid_type", path: ["segments"], message: `segments must be a record, a Map or [id, condition] pairs, not ${describe(segments)}` }]);
    }
    if (segments instanceof Map) return [...(segments as Map<unknown, unknown>).entries()];
    if (typeof (segments as Iterable<unknown>)[Symbol.iterator] === "function") {
      return [...(segments as Iterable<unknown>)].map((pair, i) => {
        if (!Array.isArray(pair)) throw new ConditionError([{ code: "invalid_type", path: ["segments", i], message: `each segment must be an [id, condition] pair, not ${describe(pair)}` }]);
        return [pair[0], pair[1]];
      });
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
  resolveOptions(options);
  const issues: ConditionIssue[] = [];
  const compiled: (readonly [string, (doc: unknown) => boolean])[] = [];
  for (const [id, condition] of entriesOf(segments)) {
    try {
      compiled.push([id, compiledAt(condition, options, ["segments", id]).matches]);
    } catch (error) {
      if (!(error instanceof ConditionError)) throw error;
      issues.push(...error.issues);
    }
  }
  if (issues.length > 0) throw new ConditionError(issues);
  const kind = sourceKind(contacts);
  const counts = new Array<number>(compiled.length).fill(0);
  return pass(
    contacts,
    kind,
    (contact) => {
      for (let i = 0; i < compiled.length; i++) if (compiled[i]![1](contact)) counts[i]!++;
    },
    () => {
      const out: Record<string, number> = {};
      // defineProperty: an id may be "__proto__".
      compiled.forEach(([id], i) => Object.defineProperty(out, id, { value: counts[i]!, enumerable: true, writable: true, configurable: true }));
      return out;
    },
  ) as Counted<C, Record<string, number>>;
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
  readonly id?: ContactId;
}

/** Splits diff options into the contact id function and the condition options, reading each once. */
export function splitDiffOptions(options: DiffOptions | undefined): { id: ContactId; conditionOptions: ConditionOptions | undefined } {
  if (options === undefined) return { id: defaultContactId, conditionOptions: undefined };
  const { id, rest } = readArgument(["options"], () => {
    if (typeof options !== "object" || options === null) throw new ConditionError([{ code: "invalid_options", path: ["options"], message: `options must be an object, not ${describe(options)}` }]);
    const { id, ...rest } = options;
    return { id, rest };
  });
  if (id !== undefined && typeof id !== "function") {
    throw new ConditionError([{ code: "invalid_options", path: ["options", "id"], message: `id must be a function from a contact to its id, not ${describe(id)}` }]);
  }
  resolveOptions(rest);
  return { id: id ?? defaultContactId, conditionOptions: rest };
}

/** Who enters and who leaves when a segment's conditions change from `before` to `after`, in one pass. */
export function diffMembership<C extends Contacts>(before: ConditionInput, after: ConditionInput, contacts: C, options?: DiffOptions): Counted<C, MembershipDiff> {
  const { id, conditionOptions } = splitDiffOptions(options);
  const was = compiledAt(before, conditionOptions, ["before"]).matches;
  const is = compiledAt(after, conditionOptions, ["after"]).matches;
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
  ) as Counted<C, MembershipDiff>;
}

/** Two MongoDB filters for the same diff inside MongoDB: who would enter and who would leave. */
export function membershipChangeFilters(before: ConditionInput, after: ConditionInput, options?: ConditionOptions): { entering: MongoFilter; leaving: MongoFilter } {
  resolveOptions(options);
  const was: CompiledCondition = compiledAt(before, options, ["before"]);
  const is: CompiledCondition = compiledAt(after, options, ["after"]);
  return Object.freeze({
    entering: Object.freeze({ $and: [is.filter, { $nor: [was.filter] }] }),
    leaving: Object.freeze({ $and: [was.filter, { $nor: [is.filter] }] }),
  });
}
