/**
 * AST → in-memory predicate: the same question as the MongoDB filter, answered for one
 * document as the server version of `sem` answers it. Built once as a tree of small
 * closures specialised per node (the path's shape, the operand's type), so that evaluation
 * does no dispatch on the condition at all.
 */
import { unlowered } from "../topics.js";
import { fold, type Node } from "../../language/ast.js";
import type { Semantics } from "../../language/versions.js";
import { anyAtPath, asDocument, field, type ElementTest, type PreparedPath } from "../../runtime/path.js";
import { EvaluationPaths } from "./paths.js";
import { elementTest } from "./leaves.js";
import { EMPTY_DOC as EMPTY } from "../../runtime/plain.js";

export type Predicate = (doc: unknown) => boolean;
type DocPredicate = (doc: Record<string, unknown>) => boolean;

/** Any value at `path` passes `test`, with a fast path for the common one-segment path. */
function atPath(path: PreparedPath, test: ElementTest): DocPredicate {
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

/** Some element of an array at `path` is a document for which `where` holds (MongoDB's `$elemMatch`). */
export function elementMatch(path: PreparedPath, where: DocPredicate): DocPredicate {
  const some: ElementTest = (array) => {
    const list = array as readonly unknown[];
    for (let i = 0; i < list.length; i++) {
      const element = asDocument(list[i]);
      if (element !== undefined && where(element)) return true;
    }
    return false;
  };
  return (doc) => anyAtPath(doc, path, 0, some, true);
}

/** The conjunction of predicates, specialised for one and two (no array walk on the hot path). */
export function all(parts: DocPredicate[]): DocPredicate {
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

/** The disjunction of predicates, specialised for one and two. */
export function any(parts: DocPredicate[]): DocPredicate {
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

/** The closures of a tree (its topic tests lowered), over documents; `paths` prepares each path once and shares long ones (see paths.ts). */
export function buildClosures(
  root: Node,
  sem: Semantics,
  paths: EvaluationPaths = new EvaluationPaths([], sem),
): DocPredicate {
  return fold<DocPredicate>(root, {
    leaf: (n) => {
      const test = elementTest(n.test, n.value, sem);
      const shared = paths.shared(n.field.path);
      return shared ? (doc) => shared.any(doc, test) : atPath(paths.prepared(n.field.path), test);
    },
    topic: unlowered,
    elemMatch: (n, where) => elementMatch(paths.prepared(n.path), where()),
    and: (_n, children) => all(children),
    or: (_n, children) => any(children),
    not: (_n, child) => (doc) => !child(doc),
  });
}

/** The closure-compiled predicate. A non-document (null, an array, a Date…) has no fields: every path in it is missing. */
export function interpretMatcher(root: Node, sem: Semantics): Predicate {
  const paths = new EvaluationPaths([root], sem);
  const predicate = buildClosures(root, sem, paths);
  if (!paths.sharing) return (doc) => predicate(asDocument(doc) ?? EMPTY);
  return (doc) => {
    paths.begin();
    try {
      return predicate(asDocument(doc) ?? EMPTY);
    } finally {
      paths.end();
    }
  };
}
