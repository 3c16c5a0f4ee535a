/**
 * The condition AST: one closed union of target-neutral, readonly, frozen plain objects,
 * built only through the {@link node} factories and walked by one exhaustive {@link fold},
 * so a new kind fails the type check until every target and every analysis handles it.
 *
 * Nodes say what is tested, not how a target writes it: `ne` is `not(leaf eq)`, and
 * `notSubscribedToTopic` is `not(topic)`. A leaf refers to its field ({@link FieldRef}: name,
 * document path, type, storage); a topic test is a {@link TopicNode} of ids, which each target
 * lowers for the storage it reads (targets/topics.ts for documents, the SQL target for its
 * column or join table). Each node keeps its {@link Origin}, the user's words, used only to
 * speak them (explanations, messages, and the MongoDB filter's `$ne`, `$nor` and key merging),
 * never to decide what a node means.
 */
import type { ListItem, Operator, Scalar } from "./condition.js";
import type { DateStorage, FieldType } from "./fields.js";
import { assertNever } from "./never.js";
import type { LeafTest, Operand } from "./operators.js";

export type Path = readonly string[];

export type TopicKey = "subscribedToTopic" | "notSubscribedToTopic";

/** Where a node came from, in the user's words. */
export type Origin =
  /**
   * A field condition, as written: `field` is the name given, before any catalog maps it to
   * a path, and `value` the operand as given (a date as the user wrote it, not as stored).
   */
  | {
      readonly from: "field";
      readonly field: string;
      readonly operator: Operator;
      readonly value: Scalar | readonly ListItem[];
    }
  /** One key of a topic condition. */
  | { readonly from: "topic"; readonly key: TopicKey; readonly ids: readonly string[] }
  /** The keys of one input object, all of which must hold (`$and` with `$or`, or both topic keys). */
  | { readonly from: "keys" }
  | { readonly from: "$and" }
  | { readonly from: "$or" }
  | { readonly from: "$not" }
  /** Made by lowering a storage layout: the parts of the records layout's element test. */
  | { readonly from: "layout" };

/**
 * The field a leaf tests: its name as written (a catalog name, or the path itself without a
 * catalog), the document path it is stored at, and, with a catalog, its type and (for dates)
 * storage. Where a target keeps the field (a document path, a SQL column) is its business.
 */
export interface FieldRef {
  readonly name: string;
  readonly path: Path;
  /** The path written with dots, as MongoDB writes it (no segment holds a dot, nor a NUL). */
  readonly dotted: string;
  /** Undefined without a catalog: nothing is typed. */
  readonly type: FieldType | undefined;
  /** How a date field's value is stored; undefined for every other field. */
  readonly storage: DateStorage | undefined;
}

/** A path the nodes can keep: a frozen one as it is (so that nodes on one path share it), another copied and frozen. */
const frozenPath = (path: Path): Path => (Object.isFrozen(path) ? path : Object.freeze([...path]));

/**
 * A field reference, frozen, for the document path `dotted` (checked: see field-path.ts).
 * Made once per field (the parser's per name, the catalog's per field), so that leaves on one
 * field share it, its path array and its dotted form.
 */
export function fieldRef(name: string, dotted: string, type?: FieldType, storage?: DateStorage): FieldRef {
  return Object.freeze({
    name,
    path: Object.freeze(dotted.split(".")),
    dotted,
    type,
    storage: type === "date" ? storage : undefined,
  });
}

/**
 * A test of the values of one field. `test` is positive and applies to each value the
 * field's path reaches (MongoDB's "any element" rule); a `not` above it inverts the whole
 * path result, exactly as MongoDB evaluates `$ne`, `$nin` and `$not` ("no element matches").
 */
export interface LeafNode {
  readonly kind: "leaf";
  readonly field: FieldRef;
  readonly test: LeafTest;
  /** A scalar (a Date for date fields), a list for `in`, a literal for the string tests, null for `null`. */
  readonly value: Operand;
  readonly origin: Origin;
}

/**
 * The contact is subscribed to at least one of `ids` (never empty). Where subscriptions are
 * kept is the target's business: options.topics for documents, options.sql.topics for SQL.
 */
export interface TopicNode {
  readonly kind: "topic";
  readonly ids: readonly string[];
  readonly origin: Origin;
}

/**
 * Some element of an array at `path` is a document for which `where` holds (paths in
 * `where` are relative to it). No condition of the language is one: the document targets
 * make them when they lower a topic test for the records layout (targets/topics.ts).
 */
export interface ElemMatchNode {
  readonly kind: "elemMatch";
  readonly path: Path;
  readonly where: Node;
  readonly origin: Origin;
}

export interface AndNode {
  readonly kind: "and";
  readonly children: readonly Node[];
  readonly origin: Origin;
}

export interface OrNode {
  readonly kind: "or";
  readonly children: readonly Node[];
  readonly origin: Origin;
}

export interface NotNode {
  readonly kind: "not";
  readonly child: Node;
  readonly origin: Origin;
}

export type Node = LeafNode | TopicNode | ElemMatchNode | AndNode | OrNode | NotNode;
export type NodeKind = Node["kind"];

/** The only way to build nodes: each comes out frozen. */
export const node = {
  leaf: (field: FieldRef, test: LeafTest, value: Operand, origin: Origin): LeafNode =>
    Object.freeze({ kind: "leaf", field, test, value, origin }),
  topic: (ids: readonly string[], origin: Origin): TopicNode =>
    Object.freeze({ kind: "topic", ids: Object.isFrozen(ids) ? ids : Object.freeze([...ids]), origin }),
  elemMatch: (path: Path, where: Node, origin: Origin): ElemMatchNode =>
    Object.freeze({ kind: "elemMatch", path: frozenPath(path), where, origin }),
  and: (children: readonly Node[], origin: Origin): AndNode =>
    Object.freeze({ kind: "and", children: Object.freeze([...children]), origin }),
  or: (children: readonly Node[], origin: Origin): OrNode =>
    Object.freeze({ kind: "or", children: Object.freeze([...children]), origin }),
  not: (child: Node, origin: Origin): NotNode => Object.freeze({ kind: "not", child, origin }),
} as const;

/**
 * One handler per node kind, given the node and what its children folded to. An element
 * match's inner condition is folded only when its handler asks (`where()`): it speaks of
 * array elements, not of the document, so most analyses leave it alone.
 */
export interface Fold<T> {
  leaf(n: LeafNode): T;
  topic(n: TopicNode): T;
  elemMatch(n: ElemMatchNode, where: () => T): T;
  and(n: AndNode, children: T[]): T;
  or(n: OrNode, children: T[]): T;
  not(n: NotNode, child: T): T;
}

/** Folds a tree bottom-up: the one traversal every target and analysis uses. */
export function fold<T>(n: Node, f: Fold<T>): T {
  switch (n.kind) {
    case "leaf":
      return f.leaf(n);
    case "topic":
      return f.topic(n);
    case "elemMatch":
      return f.elemMatch(n, () => fold(n.where, f));
    case "and":
      return f.and(
        n,
        n.children.map((c) => fold(c, f)),
      );
    case "or":
      return f.or(
        n,
        n.children.map((c) => fold(c, f)),
      );
    case "not":
      return f.not(n, fold(n.child, f));
    default:
      return assertNever(n, "condition node");
  }
}

/**
 * The tree with some of its leaves and topic nodes replaced (each handler returns the node
 * itself to keep it): the one rewrite that lowers topics, resolves or binds relative dates.
 * Every subtree in which nothing is replaced comes back as it is, so a tree without the
 * nodes asked about costs one walk and no allocation.
 */
export function rewrite(
  root: Node,
  replace: { readonly leaf?: (n: LeafNode) => Node; readonly topic?: (n: TopicNode) => Node },
): Node {
  const walk = (n: Node): Node => {
    switch (n.kind) {
      case "leaf":
        return replace.leaf ? replace.leaf(n) : n;
      case "topic":
        return replace.topic ? replace.topic(n) : n;
      case "elemMatch": {
        const where = walk(n.where);
        return where === n.where ? n : node.elemMatch(n.path, where, n.origin);
      }
      case "not": {
        const child = walk(n.child);
        return child === n.child ? n : node.not(child, n.origin);
      }
      case "and":
      case "or": {
        let children: Node[] | undefined;
        for (let i = 0; i < n.children.length; i++) {
          const c = n.children[i]!;
          const next = walk(c);
          if (next !== c) (children ??= [...n.children])[i] = next;
        }
        return children === undefined ? n : node[n.kind](children, n.origin);
      }
      default:
        return assertNever(n, "condition node");
    }
  };
  return walk(root);
}

/** What a condition reads: the document paths of its field tests, and the ids of its topic tests, each once. */
export function reads(root: Node): { fields: string[]; topics: string[] } {
  const fields = new Set<string>();
  const topics = new Set<string>();
  const nothing = () => undefined;
  fold<void>(root, {
    leaf: (n) => {
      fields.add(n.field.dotted);
    },
    topic: (n) => {
      for (const id of n.ids) topics.add(id);
    },
    // An element match is a lowered topic test: its paths are the storage's, not fields.
    elemMatch: nothing,
    and: nothing,
    or: nothing,
    not: nothing,
  });
  return { fields: [...fields], topics: [...topics] };
}

/**
 * A path array written with dots, once per long frozen array (an element match's path; a
 * leaf's field keeps its own, {@link FieldRef.dotted}): a memo of an immutable value,
 * nothing observable is kept. Shorter paths are joined each time (a WeakMap entry costs the
 * GC more than joining 32 segments again).
 */
const DOTTED = new WeakMap<Path, string>();

/** A path as MongoDB writes it, with dots (no segment holds a dot: paths are split at them). */
export function dottedPath(path: Path): string {
  if (path.length === 1) return path[0] as string;
  if (path.length <= 32 || !Object.isFrozen(path)) return path.join(".");
  let dotted = DOTTED.get(path);
  if (dotted === undefined) DOTTED.set(path, (dotted = path.join(".")));
  return dotted;
}

/** A key equal for two nodes exactly when they test the same thing (origins aside): what shared evaluation dedupes by. */
export function nodeKey(n: Node): string {
  // The common case, one leaf, without the fold: a test, a path and an operand.
  // A NUL never appears in a test's name or a path: the three parts are told apart.
  if (n.kind === "leaf") return `${n.test}\0${n.field.dotted}\0${JSON.stringify(operandKey(n.value))}`;
  return JSON.stringify(
    fold<unknown>(n, {
      leaf: (l) => ["leaf", l.field.path, l.test, operandKey(l.value)],
      topic: (t) => ["topic", t.ids],
      elemMatch: (m, where) => ["elemMatch", m.path, where()],
      and: (_a, children) => ["and", children],
      or: (_o, children) => ["or", children],
      not: (_n, child) => ["not", child],
    }),
  );
}

/** An operand as a JSON-able key: Dates by their time (a date operand never equals a number one). */
function operandKey(value: Operand): unknown {
  if (value instanceof Date) return { $date: value.getTime() };
  if (Array.isArray(value)) return value.map((v: unknown) => (v instanceof Date ? { $date: v.getTime() } : v));
  return value;
}
