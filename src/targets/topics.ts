/**
 * Topic tests in a contact document's storage, for the targets that read documents (the
 * MongoDB filter, the predicate, the segment index and the bulk counter): a {@link TopicNode}
 * lowered to general nodes by `options.topics`, and the ids a document is subscribed to, read
 * by the same rules. This is the one place that knows the document layouts:
 *
 * - `ids` (an array of subscribed topic ids): an `in` leaf on the topics path;
 * - `records` (an array of `{ topicId, status }`, where only `status: "SUBSCRIBED"` counts):
 *   an element match, as one record must pass both tests at once (MongoDB's `$elemMatch`).
 *
 * The SQL target lowers topic nodes for its own storage (a column or a join table).
 */
import { fieldRef, node, rewrite, type FieldRef, type Node, type Origin, type TopicNode } from "../language/ast.js";
import { assertNever } from "../language/never.js";
import { SUBSCRIBED, type TopicLayout } from "../language/topics.js";
import type { ResolvedOptions } from "../options.js";
import { stringValue } from "../runtime/bson.js";
import { anyAtPath, asDocument, preparePath, type PreparedPath } from "../runtime/path.js";

/** Where and how a contact document keeps its subscriptions. */
export type TopicStorage = Pick<ResolvedOptions, "topicsPath" | "topicsLayout">;

const LAYOUT: Origin = Object.freeze({ from: "layout" });
const TOPIC_ID = fieldRef("topicId", "topicId");
const STATUS = fieldRef("status", "status");

/** One topic node, lowered for the document layout (the node keeps its origin, so the filter still speaks the user's words). */
function lowerTopic(n: TopicNode, topics: FieldRef, layout: TopicLayout): Node {
  switch (layout) {
    case "ids":
      return node.leaf(topics, "in", n.ids, n.origin);
    case "records":
      return node.elemMatch(
        topics.path,
        node.and([node.leaf(TOPIC_ID, "in", n.ids, LAYOUT), node.leaf(STATUS, "eq", SUBSCRIBED, LAYOUT)], LAYOUT),
        n.origin,
      );
    default:
      return assertNever(layout, "topic layout");
  }
}

/**
 * The tree with every topic node lowered for the document layout of `options`. A tree
 * without topic tests comes back as it is, and so does every subtree without one.
 */
export function lowerTopics(root: Node, options: TopicStorage): Node {
  let topics: FieldRef | undefined;
  return rewrite(root, {
    topic: (n) => lowerTopic(n, (topics ??= fieldRef(options.topicsPath, options.topicsPath)), options.topicsLayout),
  });
}

/** The handler of a fold over a lowered tree (the document targets' own folds): a topic node there is a bug. */
export function unlowered(n: TopicNode): never {
  throw new Error(
    `segmatch: a topic test (${n.ids.join(", ")}) reached a document target without being lowered (lowerTopics)`,
  );
}

const TOPIC_ID_PATH = preparePath(["topicId"]);
const STATUS_PATH = preparePath(["status"]);

/** Every id of a record whose status is `SUBSCRIBED`; a BSONSymbol is a string to MongoDB. */
function subscribedRecordIds(records: readonly unknown[], into: Set<string>): void {
  for (const r of records) {
    const doc = asDocument(r);
    if (doc === undefined || !anyAtPath(doc, STATUS_PATH, 0, (x) => stringValue(x) === SUBSCRIBED)) continue;
    anyAtPath(doc, TOPIC_ID_PATH, 0, (x) => {
      const id = stringValue(x);
      if (id !== undefined) into.add(id);
      return false;
    });
  }
}

/**
 * The ids a contact is subscribed to, with topics at `path` in `layout`, for the segment
 * index's change detection. It reads them by the same rules as the lowered tests (the `in`
 * leaf and the records element match), so that an id is in the set exactly when the
 * predicate finds the contact subscribed to it; a property test checks the index against
 * re-evaluating every segment.
 */
export function subscribedIds(doc: Record<string, unknown>, path: PreparedPath, layout: TopicLayout): Set<string> {
  const ids = new Set<string>();
  switch (layout) {
    case "ids":
      anyAtPath(doc, path, 0, (v) => {
        const id = stringValue(v);
        if (id !== undefined) ids.add(id);
        return false;
      });
      return ids;
    case "records":
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
      return ids;
    default:
      return assertNever(layout, "topic layout");
  }
}
