/**
 * A filter for a change stream's `$match`. A change stream's pipeline sees change events,
 * not documents: the document after the change is the event's `fullDocument` (on updates,
 * only with `watch(pipeline, { fullDocument: "updateLookup" })`). So every field path of
 * the filter is prefixed with `fullDocument.`, and events without a document (deletes, or
 * an update whose document is gone by lookup time) are excluded: a contact that no longer
 * exists is in no segment, even one written with `ne` or `$not`.
 */
import type { MongoFilter } from "./filter.js";

const LOGICAL = new Set(["$and", "$or", "$nor"]);

/**
 * A filter segmatch wrote (toMongoFilter's, a compiled condition's) for a change stream's
 * `$match`. Its input is never a caller's: every key is a field path or `$and`/`$or`/`$nor`
 * with a list of filters, and its depth is within MongoDB's (the parser bounds it), so
 * anything else is a bug here, not bad input.
 */
export function changeStreamFilter(filter: MongoFilter): MongoFilter {
  return Object.freeze({
    $and: Object.freeze([Object.freeze({ fullDocument: Object.freeze({ $type: "object" }) }), prefix(filter)]),
  });
}

/** One query-level object with its field paths prefixed (operator expressions under a path are kept as they are). */
function prefix(filter: MongoFilter): MongoFilter {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (LOGICAL.has(key)) out[key] = Object.freeze((value as readonly MongoFilter[]).map(prefix));
    else if (key.startsWith("$")) throw new Error(`segmatch: ${key} in a filter of segmatch's own`);
    else
      Object.defineProperty(out, `fullDocument.${key}`, {
        value,
        enumerable: true,
        writable: false,
        configurable: false,
      });
  }
  return Object.freeze(out);
}
