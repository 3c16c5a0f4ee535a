/**
 * Counting members and diffing membership, in one pass over any contact source; and the
 * MongoDB filters that compute the same diff inside the database.
 */
import { compiledFrom, type CompiledCondition } from "../compile.js";
import type { ConditionOptions } from "../options.js";
import type { MongoFilter } from "../targets/mongo-filter.js";
import { pass, type Contacts, type Counted } from "./contacts.js";

/** Raw condition input, or what compileCondition returned. */
export type ConditionInput = unknown;

/** How a contact is identified in a diff. Default: `String(doc._id ?? doc.id)`. */
export type ContactId = (contact: unknown) => string;

export const defaultContactId: ContactId = (contact) => {
  const c = contact as { _id?: unknown; id?: unknown } | null | undefined;
  return String(c?._id ?? c?.id);
};

/** How many contacts match. A number for an Iterable; a promise for an AsyncIterable. */
export function countMembers<C extends Contacts>(condition: ConditionInput, contacts: C, options?: ConditionOptions): Counted<C, number> {
  const { matches } = compiledFrom(condition, options);
  let count = 0;
  return pass(
    contacts,
    (contact) => {
      if (matches(contact)) count++;
    },
    () => count,
  ) as Counted<C, number>;
}

/** Segments given by id: a record, a Map, or [id, condition] pairs. */
export type SegmentConditions = Readonly<Record<string, ConditionInput>> | ReadonlyMap<string, ConditionInput> | Iterable<readonly [string, ConditionInput]>;

function entriesOf(segments: SegmentConditions): [string, ConditionInput][] {
  if (segments instanceof Map) return [...segments.entries()];
  if (typeof (segments as Iterable<unknown>)[Symbol.iterator] === "function") return [...(segments as Iterable<readonly [string, ConditionInput]>)].map(([id, c]) => [id, c]);
  return Object.entries(segments as Record<string, ConditionInput>);
}

/** Member counts of many segments, by segment id, in one pass over the contacts. */
export function countMembersMany<C extends Contacts>(segments: SegmentConditions, contacts: C, options?: ConditionOptions): Counted<C, Record<string, number>> {
  const compiled = entriesOf(segments).map(([id, c]) => [id, compiledFrom(c, options).matches] as const);
  const counts = new Array<number>(compiled.length).fill(0);
  return pass(
    contacts,
    (contact) => {
      for (let i = 0; i < compiled.length; i++) if (compiled[i]![1](contact)) counts[i]!++;
    },
    () => Object.fromEntries(compiled.map(([id], i) => [id, counts[i]!])),
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

/** Who enters and who leaves when a segment's conditions change from `before` to `after`, in one pass. */
export function diffMembership<C extends Contacts>(before: ConditionInput, after: ConditionInput, contacts: C, options: DiffOptions = {}): Counted<C, MembershipDiff> {
  const { id = defaultContactId, ...conditionOptions } = options;
  const was = compiledFrom(before, conditionOptions).matches;
  const is = compiledFrom(after, conditionOptions).matches;
  const entered: string[] = [];
  const left: string[] = [];
  let count = 0;
  return pass(
    contacts,
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
  const was: CompiledCondition = compiledFrom(before, options);
  const is: CompiledCondition = compiledFrom(after, options);
  return Object.freeze({
    entering: Object.freeze({ $and: [is.filter, { $nor: [was.filter] }] }),
    leaving: Object.freeze({ $and: [was.filter, { $nor: [is.filter] }] }),
  });
}
