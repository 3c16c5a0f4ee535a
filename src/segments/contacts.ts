/**
 * One pass over a contact source, sync or async: arrays and other iterables are walked in
 * place, async iterables (a MongoDB cursor, an NDJSON stream) are awaited item by item.
 * Nothing is ever collected into memory. Sync in, sync out; async in, a promise out.
 */

export type Contacts = Iterable<unknown> | AsyncIterable<unknown>;

/** The result type for a source: `T` for an Iterable, `Promise<T>` for an AsyncIterable. */
export type Counted<C, T> = [C] extends [AsyncIterable<unknown>] ? Promise<T> : [C] extends [Iterable<unknown> | undefined] ? T : T | Promise<T>;

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && typeof (value as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function";
}

function isIterable(value: unknown): value is Iterable<unknown> {
  return typeof value === "object" && value !== null && typeof (value as Iterable<unknown>)[Symbol.iterator] === "function";
}

/** Calls `visit` for each contact, then returns `done()`: directly, or as a promise for async sources. */
export function pass<T>(contacts: Contacts, visit: (contact: unknown) => void, done: () => T): T | Promise<T> {
  if (Array.isArray(contacts)) {
    for (let i = 0; i < contacts.length; i++) visit(contacts[i]);
    return done();
  }
  if (isAsyncIterable(contacts)) {
    return (async () => {
      for await (const contact of contacts) visit(contact);
      return done();
    })();
  }
  if (isIterable(contacts)) {
    for (const contact of contacts) visit(contact);
    return done();
  }
  throw new TypeError("contacts must be an Iterable or an AsyncIterable of contact documents");
}
