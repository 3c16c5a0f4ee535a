/**
 * The grammar of the language's JSON shapes: recognises each object's shape from its keys,
 * walks `$and`/`$or`/`$not` with paths and the depth limit, and collects every issue.
 * Field conditions are lowered by lower.ts, topic conditions by language/topics.ts.
 */
import { IssueList, type ConditionPath } from "../errors.js";
import { node, type Node, type Origin } from "../language/ast.js";
import { topicNode } from "../language/topics.js";
import type { ResolvedOptions } from "../options.js";
import { choices } from "../suggest.js";
import { FIELD_KEYS, leafIssues, lowerField, received, type LoweringContext } from "./lower.js";
import { topicListAccepts, topicListFailures } from "./schema.js";
import { Opaque, type Snapshot } from "./snapshot.js";

const TOPIC_KEYS = ["subscribedToTopic", "notSubscribedToTopic"] as const;
const LOGICAL_KEYS = ["$and", "$or", "$not"] as const;
const ALL_KEYS: readonly string[] = [...FIELD_KEYS, ...TOPIC_KEYS, ...LOGICAL_KEYS];
const SHAPES = [
  { id: "field", keys: FIELD_KEYS as readonly string[] },
  { id: "topic", keys: TOPIC_KEYS as readonly string[] },
  { id: "logical", keys: LOGICAL_KEYS as readonly string[] },
] as const;

type SnapshotObject = { readonly [key: string]: Snapshot };

function isObject(value: Snapshot | undefined): value is SnapshotObject {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Opaque);
}

const KEYS: Origin = Object.freeze({ from: "keys" });
const AND: Origin = Object.freeze({ from: "$and" });
const OR: Origin = Object.freeze({ from: "$or" });
const NOT: Origin = Object.freeze({ from: "$not" });

const SHAPE_OF_KEY: ReadonlyMap<string, (typeof SHAPES)[number]> = new Map(
  SHAPES.flatMap((shape) => shape.keys.map((key) => [key, shape] as const)),
);

/** The one shape all of `keys` belong to, or undefined (an unknown key, mixed shapes, no keys): then the slow path words the issues. */
function shapeOf(keys: readonly string[]): (typeof SHAPES)[number] | undefined {
  let shape: (typeof SHAPES)[number] | undefined;
  for (const key of keys) {
    const of = SHAPE_OF_KEY.get(key);
    if (of === undefined || (shape !== undefined && of !== shape)) return undefined;
    shape = of;
  }
  return shape;
}

/** "Did you mean" costs an edit distance per candidate: only so many per input, so that thousands of typos stay cheap. */
const SUGGESTION_BUDGET = 20;

/** Walks the JSON shapes of the language, with paths and limits, lowering each part to nodes. */
export class Grammar {
  readonly issues = new IssueList();
  private suggestionsLeft = SUGGESTION_BUDGET;

  readonly lowering: LoweringContext;
  constructor(private readonly options: ResolvedOptions) {
    this.lowering = {
      issues: this.issues,
      options,
      suggest: () => this.suggestionsLeft-- > 0,
      paths: new Map(),
      counted: new Set(),
      segments: 0,
      relative: false,
    };
  }

  condition(value: Snapshot, path: ConditionPath, depth: number): Node | undefined {
    if (!isObject(value)) {
      this.issues.add(path, {
        code: "invalid_type",
        reason: "condition",
        expected: "a plain object",
        received: received(value),
      });
      return undefined;
    }
    if (depth > this.options.limits.maxDepth) {
      this.issues.add(path, {
        code: "too_deep",
        reason: "condition",
        maximum: this.options.limits.maxDepth,
        limit: "maxDepth",
      });
      return undefined;
    }
    const keys = Object.keys(value);
    let shape = shapeOf(keys);
    if (shape === undefined) {
      const unknown = keys.filter((k) => !ALL_KEYS.includes(k));
      const shapes = SHAPES.filter((s) => keys.some((k) => s.keys.includes(k)));
      for (const key of unknown) this.unknownKey(value, key, path, shapes.length === 1 ? shapes[0]!.keys : ALL_KEYS);
      if (shapes.length > 1) {
        this.issues.add(path, {
          code: "unknown_shape",
          reason: "mixed",
          shapes: shapes.map((s) => s.id),
          keys: keys.filter((k) => ALL_KEYS.includes(k)),
        });
        return undefined;
      }
      shape = shapes[0];
      if (shape === undefined) {
        if (unknown.length === 0) this.issues.add(path, { code: "unknown_shape", reason: "empty" });
        return undefined;
      }
    }
    if (shape.keys === FIELD_KEYS) return lowerField(this.lowering, value, path);
    if (shape.keys === TOPIC_KEYS) return this.topic(value, path);
    return this.logical(value, path, depth);
  }

  private unknownKey(value: SnapshotObject, key: string, path: ConditionPath, expected: readonly string[]): void {
    const inner = value[key];
    // `{ "country": { "$eq": "US" } }` is MongoDB's syntax, which the platform's own docs show but never accepted.
    const mongoStyle = !key.startsWith("$") && isObject(inner) && Object.keys(inner).some((k) => k.startsWith("$"));
    this.issues.add([...path, key], {
      code: "unknown_key",
      reason: "condition",
      ...choices(key, expected),
      ...(mongoStyle ? { mongoSyntax: true } : {}),
    });
  }

  private topic(value: SnapshotObject, path: ConditionPath): Node | undefined {
    const start = this.issues.items.length;
    const nodes: Node[] = [];
    for (const key of TOPIC_KEYS) {
      const ids = value[key];
      if (ids === undefined) continue;
      if (topicListAccepts(ids)) {
        nodes.push(topicNode(key, ids as readonly string[]));
      } else {
        leafIssues(
          this.issues,
          topicListFailures(ids),
          ids,
          [...path, key],
          { key },
          "a non-empty list of topic ids",
          "a non-empty string (a topic id)",
          "invalid_type",
        );
      }
    }
    if (this.issues.items.length > start) return undefined;
    return nodes.length === 1 ? nodes[0] : node.and(nodes, KEYS);
  }

  private logical(value: SnapshotObject, path: ConditionPath, depth: number): Node | undefined {
    const start = this.issues.items.length;
    const parts: Node[] = [];
    for (const key of ["$and", "$or"] as const) {
      const list = value[key];
      if (list === undefined) continue;
      const at = [...path, key];
      if (!Array.isArray(list)) {
        this.issues.add(at, {
          code: list === null ? "null_value" : "invalid_type",
          reason: "logical_list",
          key,
          expected: "a non-empty list of conditions",
          received: received(list),
        });
        continue;
      }
      if (list.length === 0) {
        this.issues.add(at, { code: "empty_list", key });
        continue;
      }
      const children = list.map((child, i) => this.condition(child, [...at, i], depth + 1));
      if (children.every((c): c is Node => c !== undefined))
        parts.push(key === "$and" ? node.and(children, AND) : node.or(children, OR));
    }
    const inner = value.$not;
    if (inner !== undefined) {
      if (Array.isArray(inner)) {
        this.issues.add([...path, "$not"], {
          code: "invalid_type",
          reason: "not_list",
          expected: "one condition",
          received: "an array",
        });
      } else {
        const child = this.condition(inner, [...path, "$not"], depth + 1);
        if (child) parts.push(node.not(child, NOT));
      }
    }
    if (this.issues.items.length > start) return undefined;
    return parts.length === 1 ? parts[0] : node.and(parts, KEYS);
  }
}
