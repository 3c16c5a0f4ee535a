/**
 * The condition AST: one closed union of readonly, frozen plain objects. The parser is the
 * only producer; every compile target is an exhaustive switch over `kind`, so a new kind
 * fails the type check until every target handles it.
 */
import type { TopicLayout } from "../options.js";
import type { LeafTest, Operand } from "./operators.js";

export type Path = readonly string[];

/**
 * A test of the values at one document path. `test` is positive and applies to each value
 * the path reaches (MongoDB's "any element" rule); `negate` inverts the whole path result,
 * exactly as MongoDB evaluates `$ne`, `$nin` and `$not` ("no element matches").
 */
export interface CompareNode {
  readonly kind: "compare";
  readonly path: Path;
  readonly test: LeafTest;
  readonly negate: boolean;
  /** The operand: a scalar (a Date for date fields), a list for `in`, a literal for the string tests, null for `null`. */
  readonly value: Operand;
}

/** Subscription to any of `ids` (or, negated, to none of them), stored as `layout` says. */
export interface TopicNode {
  readonly kind: "topic";
  readonly path: Path;
  readonly layout: TopicLayout;
  readonly ids: readonly string[];
  readonly negate: boolean;
}

export interface AndNode {
  readonly kind: "and";
  readonly children: readonly Node[];
  /**
   * The conjunction of the keys of one input object (`$and` with `$or`, or both topic
   * keys), rather than an explicit `$and` list: the MongoDB filter keeps it one object too,
   * so that it costs no extra nesting.
   */
  readonly sameObject?: true;
}

export interface OrNode {
  readonly kind: "or";
  readonly children: readonly Node[];
}

export interface NotNode {
  readonly kind: "not";
  readonly child: Node;
}

export type Node = CompareNode | TopicNode | AndNode | OrNode | NotNode;
export type NodeKind = Node["kind"];

/** Fails to compile when a switch over node kinds misses one. */
export function unreachable(node: never): never {
  throw new Error(`unhandled condition node ${JSON.stringify(node)}`);
}
