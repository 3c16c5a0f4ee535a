/**
 * The topics a contact is subscribed to, in either layout, for the segment index's change
 * detection. It reads them by the same rules as the predicate's topic tests (the `in` leaf
 * and the records element match), so that an id is in the set exactly when the predicate
 * finds the contact subscribed to it; a property test checks the index against
 * re-evaluating every segment.
 */
import { SUBSCRIBED, type TopicLayout } from "../language/topics.js";
import { stringValue } from "../runtime/bson.js";
import { anyAtPath, asDocument, preparePath, type PreparedPath } from "../runtime/path.js";

const TOPIC_ID = preparePath(["topicId"]);
const STATUS = preparePath(["status"]);

/** Every id of a record whose status is `SUBSCRIBED`; a BSONSymbol is a string to MongoDB. */
function subscribedRecordIds(records: readonly unknown[], into: Set<string>): void {
  for (const r of records) {
    const doc = asDocument(r);
    if (doc === undefined || !anyAtPath(doc, STATUS, 0, (x) => stringValue(x) === SUBSCRIBED)) continue;
    anyAtPath(doc, TOPIC_ID, 0, (x) => {
      const id = stringValue(x);
      if (id !== undefined) into.add(id);
      return false;
    });
  }
}

/** The ids a contact is subscribed to, with topics at `path` in `layout`. */
export function subscribedIds(doc: Record<string, unknown>, path: PreparedPath, layout: TopicLayout): Set<string> {
  const ids = new Set<string>();
  if (layout === "ids") {
    anyAtPath(doc, path, 0, (v) => {
      const id = stringValue(v);
      if (id !== undefined) ids.add(id);
      return false;
    });
  } else {
    anyAtPath(
      doc,
      path,
      0,
      (records) => {
        subscribedRecordIds(records as unknown[], ids);
        return false;
      },
      true,
    );
  }
  return ids;
}
