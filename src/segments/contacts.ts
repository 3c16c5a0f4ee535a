/**
 * One pass over a contact source, sync or async: arrays and other iterables are walked in
 * place, async iterables (a MongoDB cursor, an NDJSON stream) are awaited item by item.
 * Nothing is ever collected into memory. Sync in, sync out; async in, a promise out.
 */
import { ConditionError, describe, issue, readArgument, type ConditionPath } from "../errors.js";

export type Contacts = Iterable<unknown> | AsyncIterable<unknown>;

/** The type of one contact of a source, for callbacks that receive contacts. */
export type ContactOf<C> = C extends AsyncIterable<infer X> ? X : C extends Iterable<infer X> ? X : unknown;

/** The result type for a source: `T` for an Iterable, `Promise<T>` for an AsyncIterable. */
export type Counted<C, T> = [C] extends [AsyncIterable<unknown>]
  ? Promise<T>
  : [C] extends [Iterable<unknown> | undefined]
    ? T
    : T | Promise<T>;

type SourceKind = "array" | "async" | "sync";

/**
 * What kind of source `contacts` is, checked before any work is done: not a source is a
 * ConditionError (so is a source that cannot even be looked at, such as a revoked proxy);
 * a source that fails while it is iterated passes its own error through.
 */
export function sourceKind(contacts: unknown, at: ConditionPath = ["contacts"]): SourceKind {
  const kind = readArgument(at, (): SourceKind | undefined => {
    if (typeof contacts !== "object" || contacts === null) return undefined;
    if (Array.isArray(contacts)) return "array";
    if (typeof (contacts as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") return "async";
    if (typeof (contacts as Iterable<unknown>)[Symbol.iterator] === "function") return "sync";
    return undefined;
  });
  if (kind === undefined) {
    throw new ConditionError([
      issue(at, {
        code: "invalid_type",
        reason: "argument",
        argument: "contacts",
        expected: "an Iterable or an AsyncIterable of contact documents",
        received: describe(contacts),
      }),
    ]);
  }
  return kind;
}

/** Calls `visit` for each contact, then returns `done()`: directly, or as a promise for async sources. */
export function pass<T>(
  contacts: Contacts,
  kind: SourceKind,
  visit: (contact: unknown) => void,
  done: () => T,
): T | Promise<T> {
  if (kind === "array") {
    const list = contacts as readonly unknown[];
    for (let i = 0; i < list.length; i++) visit(list[i]);
    return done();
  }
  if (kind === "async") {
    return (async () => {
      for await (const contact of contacts as AsyncIterable<unknown>) visit(contact);
      return done();
    })();
  }
  for (const contact of contacts as Iterable<unknown>) visit(contact);
  return done();
}
