/**
 * The predicate of one condition, fast from the first call: it starts on closures (cheap
 * to build at the first call, quick at once), and after {@link HOT_CALLS} calls generates code, which V8
 * optimises like hand-written code but only pays for itself on a condition that runs many
 * times. With `jitless` (a strict CSP), or where the environment forbids `new Function`,
 * it stays on closures.
 */
import type { Node } from "../../language/ast.js";
import type { ResolvedOptions } from "../../options.js";
import { lowerTopics } from "../topics.js";
import { generateMatcher } from "./codegen.js";
import { interpretMatcher, type Predicate } from "./closures.js";
import { optimize } from "./optimize.js";

/** Calls on closures before code is generated. */
export const HOT_CALLS = 1_000;

/** What the predicate reads of the options: MongoDB's version, whether code may be generated, and where topics are kept. */
export type MatcherOptions = Pick<ResolvedOptions, "semantics" | "jitless" | "topicsPath" | "topicsLayout">;

/**
 * The predicate of `root`; its closures are built at the first call (compiling a condition
 * that is never run costs nothing here: not even lowering its topic tests). Each tier has
 * its own call site, so that each site only ever sees one function and V8 can inline the
 * generated code into it.
 */
export function toMatcher(root: Node, options: MatcherOptions): Predicate {
  const { semantics: sem, jitless } = options;
  let calls = 0;
  let node: Node | undefined;
  let closures: Predicate | undefined;
  let generated: Predicate | undefined;
  const cold = (doc: unknown): boolean => {
    if (closures === undefined) {
      node = optimize(lowerTopics(root, options));
      closures = interpretMatcher(node, sem);
    } else if (!jitless && ++calls >= HOT_CALLS) {
      calls = -Infinity;
      generated = generateMatcher(node as Node, sem, closures);
      if (generated !== undefined) return generated(doc);
    }
    return closures(doc);
  };
  return (doc) => (generated !== undefined ? generated(doc) : cold(doc));
}
