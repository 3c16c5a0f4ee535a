/**
 * Relative dates at an instant, for the targets that are written once per instant (the
 * MongoDB filter, SQL): every {@link RelativeDate} operand resolved in the zone of the
 * options, to a Date or to epoch milliseconds as its field stores dates. The predicate
 * resolves them at each call instead (predicate/clocked.ts).
 */
import { node, rewrite, type Node } from "../language/ast.js";
import { RelativeDate } from "../language/relative.js";
import { assertNever } from "../language/never.js";
import { resolve } from "../time/date-math.js";
import type { Zone } from "../time/zone.js";

/** Whether a tree has a relative date anywhere (then its answers depend on the clock). */
export function isRelative(root: Node): boolean {
  switch (root.kind) {
    case "leaf":
      return root.value instanceof RelativeDate;
    case "topic":
      return false;
    case "elemMatch":
      return isRelative(root.where);
    case "and":
    case "or":
      return root.children.some(isRelative);
    case "not":
      return isRelative(root.child);
    default:
      return assertNever(root, "condition node");
  }
}

/** A relative date at the instant `at`: the value its field stores (a Date, or epoch milliseconds). */
export function resolvedAt(value: RelativeDate, at: number, zone: Zone): Date | number {
  const ms = resolve(value.math, at, zone, value.up);
  return value.storage === "epochMillis" ? ms : new Date(ms);
}

/** The tree with every relative date resolved at `at`; a tree without one comes back as it is. */
export function atInstant(root: Node, at: number, zone: Zone): Node {
  return rewrite(root, {
    leaf: (n) =>
      n.value instanceof RelativeDate ? node.leaf(n.field, n.test, resolvedAt(n.value, at, zone), n.origin) : n,
  });
}
