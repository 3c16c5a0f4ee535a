/**
 * Rewrites that keep a condition's meaning and make its predicate cheaper. The in-memory
 * predicate applies them; the MongoDB filter does not (it speaks the user's words).
 *
 * - An `$or` of `eq` tests on one path is one `in` test on that path: "some value equals
 *   a, or some value equals b" is "some value is in {a, b}". Only string and number
 *   operands are merged (an `in` list holds nothing else), so a wide `$or` of `eq`s costs
 *   one Set lookup, as a careful hand-written function does it.
 * - The children of an `$and` run cheapest first (a root field before a dotted path,
 *   either before an element match over a list of records), as a careful hand-written
 *   function orders its tests: `$and` is commutative and its tests change nothing, so the
 *   answer is the same and only the time to the first false test changes (a document's
 *   getters may run in another order, or not at all). The order among children of
 *   equal cost is the user's. An `$or` keeps the user's order: a document it rejects runs
 *   every test whatever the order, and measured, reordering a wide `$or` was slower.
 */
import { fold, node, type FieldRef, type LeafNode, type Node } from "../../language/ast.js";
import { unlowered } from "../topics.js";

/** What a node costs to test, roughly: a path's segments, more for an element match (it walks a list). */
function cost(n: Node): number {
  switch (n.kind) {
    case "leaf":
      return n.field.path.length;
    case "elemMatch":
      return 8 + n.path.length;
    case "not":
      return cost(n.child);
    case "and":
    case "or": {
      let sum = 0;
      for (const c of n.children) sum += cost(c);
      return sum;
    }
    default:
      return 8;
  }
}

/** The children cheapest first (stable: equal costs keep their order), or the same array when that is their order. */
function cheapestFirst(children: Node[]): Node[] {
  const costs = children.map(cost);
  if (costs.every((c, i) => i === 0 || costs[i - 1]! <= c)) return children;
  return children
    .map((c, i) => ({ c, k: costs[i]!, i }))
    .sort((a, b) => a.k - b.k || a.i - b.i)
    .map((e) => e.c);
}

export function optimize(root: Node): Node {
  return fold<Node>(root, {
    leaf: (n) => n,
    topic: unlowered,
    elemMatch: (n) => n,
    and: (n, given) => {
      const children = cheapestFirst(given);
      return children.every((c, i) => c === n.children[i]) ? n : node.and(children, n.origin);
    },
    not: (n, child) => (child === n.child ? n : node.not(child, n.origin)),
    or: (n, children) => {
      // Grouped by field: leaves on one field share its reference (the parser's or the catalog's), so on one path.
      const groups = new Map<FieldRef, LeafNode[]>();
      for (const c of children) {
        if (c.kind === "leaf" && c.test === "eq" && (typeof c.value === "string" || typeof c.value === "number")) {
          const key = c.field;
          const group = groups.get(key);
          if (group === undefined) groups.set(key, [c]);
          else group.push(c);
        }
      }
      if (![...groups.values()].some((g) => g.length > 1))
        return children.every((c, i) => c === n.children[i]) ? n : node.or(children, n.origin);
      const out: Node[] = [];
      const done = new Set<FieldRef>();
      const merged = new Set<Node>([...groups.values()].flat());
      for (const c of children) {
        const key = c.kind === "leaf" ? c.field : undefined;
        const group = key === undefined ? undefined : groups.get(key);
        if (c.kind !== "leaf" || key === undefined || group === undefined || group.length < 2 || !merged.has(c)) {
          out.push(c);
          continue;
        }
        if (done.has(key)) continue;
        done.add(key);
        out.push(node.leaf(c.field, "in", Object.freeze(group.map((g) => g.value as string | number)), c.origin));
      }
      return out.length === 1 ? out[0]! : node.or(out, n.origin);
    },
  });
}
