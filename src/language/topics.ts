/**
 * Topic subscriptions in both storage layouts, for every target. `ids` is an array of
 * subscribed topic ids, tested like a field `in`/`nin`. `records` is an array of
 * `{ topicId, status }`, where only `status: "SUBSCRIBED"` counts: one record must match
 * both at once, which is MongoDB's `$elemMatch`.
 */
import { stringValue } from "../runtime/bson.js";
import { anyAtPath, isDocument, preparePath, type ElementTest } from "../runtime/path.js";

export const SUBSCRIBED = "SUBSCRIBED";
const TOPIC_ID = preparePath(["topicId"]);
const STATUS = preparePath(["status"]);

/** The `$elemMatch` document for subscribed records of `ids`. */
export function recordsElemMatch(ids: readonly string[]): Record<string, unknown> {
  return { $elemMatch: { topicId: { $in: [...ids] }, status: { $eq: SUBSCRIBED } } };
}

/** The same test in memory, on one whole array of records (`$elemMatch`'s candidate). */
export function recordsTest(ids: readonly string[]): ElementTest {
  const set = new Set(ids);
  // A BSONSymbol is a string to MongoDB's `$in` and `$eq`.
  const isId: ElementTest = (x) => {
    const id = stringValue(x);
    return id !== undefined && set.has(id);
  };
  const isSubscribed: ElementTest = (x) => stringValue(x) === SUBSCRIBED;
  return (records) => {
    const list = records as unknown[];
    for (let i = 0; i < list.length; i++) {
      const r = list[i];
      if (isDocument(r) && anyAtPath(r, TOPIC_ID, 0, isId) && anyAtPath(r, STATUS, 0, isSubscribed)) return true;
    }
    return false;
  };
}

/**
 * The ids a records array subscribes to: every topic id of a record whose status is
 * `SUBSCRIBED`, read by the same rules as {@link recordsTest}, so that an id is in the
 * set exactly when `recordsTest([id])` holds for these records.
 */
export function subscribedRecordIds(records: readonly unknown[], into: Set<string>): void {
  for (const r of records) {
    if (!isDocument(r) || !anyAtPath(r, STATUS, 0, (x) => stringValue(x) === SUBSCRIBED)) continue;
    anyAtPath(r, TOPIC_ID, 0, (x) => {
      const id = stringValue(x);
      if (id !== undefined) into.add(id);
      return false;
    });
  }
}
