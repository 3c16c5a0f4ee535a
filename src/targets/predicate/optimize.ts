/**
 * Rewrites that keep a condition's meaning and make its predicate cheaper. The in-memory
 * predicate applies them; the MongoDB filter does not (it speaks the user's words).
 *
 * - An `$or` of `eq` tests on one path is one `in` test on that path: "some value equals
 *   a, or some value equals b" is "some value is in {a, b}". Only string and number
 *   operands are merged (an `in` list holds nothing else), so a wide `$or` of `eq`s costs
 *   one Set lookup, as a careful hand-written function does it.
 */
import { fold, node, type FieldRef, type LeafNode, type Node } from "../../language/ast.js";
import { unlowered } from "../topics.js";

export function optimize(root: Node): Node {
  return fold<Node>(root, {
    leaf: (n) => n,
    topic: unlowered,
    elemMatch: (n) => n,
    and: (n, children) => (children.every((c, i) => c === n.children[i]) ? n : node.and(children, n.origin)),
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
