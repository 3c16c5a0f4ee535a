/**
 * The predicate of one condition, fast from the first call: it starts on closures (cheap
 * to build, quick at once), and after {@link HOT_CALLS} calls generates code, which V8
 * optimises like hand-written code but only pays for itself on a condition that runs many
 * times. With `jitless` (a strict CSP), or where the environment forbids `new Function`,
 * it stays on closures.
 */
import type { Node } from "../../language/ast.js";
import type { Semantics } from "../../language/versions.js";
import { generateMatcher } from "./codegen.js";
import { interpretMatcher, type Predicate } from "./closures.js";
import { optimize } from "./optimize.js";

/** Calls on closures before code is generated. */
export const HOT_CALLS = 1_000;

export function toMatcher(root: Node, sem: Semantics, jitless = false): Predicate {
  const node = optimize(root);
  const closures = interpretMatcher(node, sem);
  if (jitless) return closures;
  let calls = 0;
  let current: Predicate = (doc) => {
    if (++calls >= HOT_CALLS) current = generateMatcher(node, sem, closures) ?? closures;
    return closures(doc);
  };
  return (doc) => current(doc);
}
