/**
 * Topic conditions, lowered to general nodes by the storage layout: `ids` (an array of
 * subscribed topic ids) is an `in` test on the topics path; `records` (an array of
 * `{ topicId, status }`, where only `status: "SUBSCRIBED"` counts) is an element match, as
 * one record must pass both tests at once (MongoDB's `$elemMatch`). No target dispatches
 * on the layout.
 */
import { node, type Node, type Origin, type Path, type TopicKey } from "./ast.js";

export const SUBSCRIBED = "SUBSCRIBED";

export const TOPIC_LAYOUTS = ["ids", "records"] as const;
/**
 * `ids`: an array of the ids of the topics the contact is subscribed to.
 * `records`: an array of `{ topicId, status }`, where only `status: "SUBSCRIBED"` counts.
 */
export type TopicLayout = (typeof TOPIC_LAYOUTS)[number];

const LAYOUT: Origin = Object.freeze({ from: "layout" });

/** The node for one key of a topic condition. */
export function topicNode(key: TopicKey, ids: readonly string[], path: Path, layout: TopicLayout): Node {
  const origin: Origin = Object.freeze({ from: "topic", key, ids: Object.freeze([...ids]) });
  const subscribed =
    layout === "ids"
      ? node.leaf(path, "in", Object.freeze([...ids]), origin)
      : node.elemMatch(path, node.and([node.leaf(["topicId"], "in", Object.freeze([...ids]), LAYOUT), node.leaf(["status"], "eq", SUBSCRIBED, LAYOUT)], LAYOUT), origin);
  return key === "subscribedToTopic" ? subscribed : node.not(subscribed, origin);
}
