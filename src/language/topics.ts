/**
 * Topic conditions. `subscribedToTopic` is a {@link TopicNode} (subscribed to at least one of
 * the ids), `notSubscribedToTopic` its negation; neither says where subscriptions are kept.
 * The storage layouts are named here because options name them; the targets lower a topic
 * node for theirs (targets/topics.ts for documents, targets/sql for a column or join table).
 */
import { node, type Node, type Origin, type TopicKey } from "./ast.js";

/** The status of a topic record that counts as subscribed (the records layout). */
export const SUBSCRIBED = "SUBSCRIBED";

export const TOPIC_LAYOUTS = ["ids", "records"] as const;
/**
 * `ids`: an array of the ids of the topics the contact is subscribed to.
 * `records`: an array of `{ topicId, status }`, where only `status: "SUBSCRIBED"` counts.
 */
export type TopicLayout = (typeof TOPIC_LAYOUTS)[number];

/** The node for one key of a topic condition. */
export function topicNode(key: TopicKey, ids: readonly string[]): Node {
  const list = Object.freeze([...ids]);
  const origin: Origin = Object.freeze({ from: "topic", key, ids: list });
  const subscribed = node.topic(list, origin);
  return key === "subscribedToTopic" ? subscribed : node.not(subscribed, origin);
}
