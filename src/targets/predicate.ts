/**
 * AST → in-memory predicate: the same question as the MongoDB filter, answered for one
 * document as the server version of `sem` answers it. Built once as a tree of small
 * closures specialised per node (the path's shape, the operand's type), so that evaluation
 * does no dispatch on the condition at all.
 */
import { unreachable, type Node } from "../language/ast.js";
import { elementTest, type ElementTest } from "../language/operators.js";
import { recordsTest } from "../language/topics.js";
import type { Semantics } from "../language/versions.js";
import { anyAtPath, asDocument, field, preparePath, type PreparedPath } from "../runtime/path.js";

export type Predicate = (doc: unknown) => boolean;

/** Any value at `path` passes `test`, with a fast path for the common one-segment path. */
function atPath(path: PreparedPath, test: ElementTest): (doc: Record<string, unknown>) => boolean {
  if (path.segments.length === 1) {
    const key = path.segments[0] as string;
    return (doc) => {
      const value = field(doc, key);
      if (!Array.isArray(value)) return test(value);
      for (let i = 0; i < value.length; i++) if (test(value[i])) return true;
      return false;
    };
  }
  return (doc) => anyAtPath(doc, path, 0, test);
}

type DocPredicate = (doc: Record<string, unknown>) => boolean;

function build(node: Node, sem: Semantics): DocPredicate {
  switch (node.kind) {
    case "compare": {
      const test = atPath(preparePath(node.path, sem.nullThroughArrays), elementTest(node.test, node.value, sem));
      return node.negate ? (doc) => !test(doc) : test;
    }
    case "topic": {
      const path = preparePath(node.path, sem.nullThroughArrays);
      let test: DocPredicate;
      if (node.layout === "records") {
        const records = recordsTest(node.ids);
        test = (doc) => anyAtPath(doc, path, 0, records, true);
      } else test = atPath(path, elementTest("in", node.ids, sem));
      return node.negate ? (doc) => !test(doc) : test;
    }
    case "and":
      return all(node.children.map((c) => build(c, sem)));
    case "or":
      return any(node.children.map((c) => build(c, sem)));
    case "not": {
      const child = build(node.child, sem);
      return (doc) => !child(doc);
    }
    default:
      return unreachable(node);
  }
}

function all(parts: DocPredicate[]): DocPredicate {
  if (parts.length === 1) return parts[0] as DocPredicate;
  if (parts.length === 2) {
    const [a, b] = parts as [DocPredicate, DocPredicate];
    return (doc) => a(doc) && b(doc);
  }
  return (doc) => {
    for (let i = 0; i < parts.length; i++) if (!(parts[i] as DocPredicate)(doc)) return false;
    return true;
  };
}

function any(parts: DocPredicate[]): DocPredicate {
  if (parts.length === 1) return parts[0] as DocPredicate;
  if (parts.length === 2) {
    const [a, b] = parts as [DocPredicate, DocPredicate];
    return (doc) => a(doc) || b(doc);
  }
  return (doc) => {
    for (let i = 0; i < parts.length; i++) if ((parts[i] as DocPredicate)(doc)) return true;
    return false;
  };
}

const EMPTY: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

/** The closure-compiled predicate. A non-document (null, an array, a Date…) has no fields: every path in it is missing. */
export function interpretMatcher(node: Node, sem: Semantics): Predicate {
  const predicate = build(node, sem);
  return (doc) => predicate(asDocument(doc) ?? EMPTY);
}
