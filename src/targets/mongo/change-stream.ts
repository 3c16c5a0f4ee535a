/**
 * A filter for a change stream's `$match`. A change stream's pipeline sees change events,
 * not documents: the document after the change is the event's `fullDocument` (on updates,
 * only with `watch(pipeline, { fullDocument: "updateLookup" })`). So every field path of
 * the filter is prefixed with `fullDocument.`, and events without a document (deletes, or
 * an update whose document is gone by lookup time) are excluded: a contact that no longer
 * exists is in no segment, even one written with `ne` or `$not`.
 */
import { ConditionError, describe, readArgument, type ConditionIssue, type ConditionPath } from "../../errors.js";
import type { MongoFilter } from "./filter.js";
import { isPlainObject } from "../../runtime/plain.js";

const LOGICAL = new Set(["$and", "$or", "$nor"]);
/** The depth MongoDB accepts for a filter (and a little more for the prefix's own levels). */
const MAX_DEPTH = 100;

/** `filter` (as toMongoFilter or a CompiledCondition writes it) for a change stream's `$match`. */
export function changeStreamFilter(filter: MongoFilter): MongoFilter {
  return readArgument(["filter"], () => {
    const issues: ConditionIssue[] = [];
    const prefixed = prefix(filter, ["filter"], 0, issues);
    if (issues.length > 0 || prefixed === undefined) throw new ConditionError(issues);
    return Object.freeze({ $and: Object.freeze([Object.freeze({ fullDocument: Object.freeze({ $type: "object" }) }), prefixed]) });
  });
}

/** One query-level object with its field paths prefixed (operator expressions under a path are kept as they are). */
function prefix(filter: unknown, at: ConditionPath, depth: number, issues: ConditionIssue[]): MongoFilter | undefined {
  if (depth > MAX_DEPTH) {
    issues.push({ code: "too_deep", path: at, message: `the filter nests deeper than MongoDB's ${MAX_DEPTH} levels`, maximum: MAX_DEPTH, limit: "mongodb.depth" });
    return undefined;
  }
  if (!isPlainObject(filter)) {
    issues.push({ code: "invalid_type", path: at, message: `a filter must be a plain object, not ${describe(filter)}`, expected: "a plain object", received: describe(filter) });
    return undefined;
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(filter)) {
    const value = filter[key];
    if (LOGICAL.has(key)) {
      if (!Array.isArray(value) || value.length === 0) {
        issues.push({ code: "invalid_type", path: [...at, key], message: `${key} must be a non-empty list of filters, not ${describe(value)}` });
        continue;
      }
      out[key] = Object.freeze(value.map((child: unknown, i: number) => prefix(child, [...at, key, i], depth + 1, issues)));
    } else if (key.startsWith("$") || key === "") {
      issues.push({ code: "unknown_key", path: [...at, key], message: `${JSON.stringify(key.slice(0, 100))} is not a field path or $and/$or/$nor, so it cannot be moved under fullDocument`, allowed: [...LOGICAL] });
    } else {
      Object.defineProperty(out, `fullDocument.${key}`, { value, enumerable: true, writable: false, configurable: false });
    }
  }
  return Object.freeze(out);
}
