/** Chooses the predicate compiler: generated code where possible, closures otherwise. */
import type { Node } from "../../language/ast.js";
import type { Semantics } from "../../language/versions.js";
import { generateMatcher } from "./codegen.js";
import { interpretMatcher, type Predicate } from "./closures.js";

export function toMatcher(node: Node, sem: Semantics): Predicate {
  const interpreted = interpretMatcher(node, sem);
  return generateMatcher(node, sem, interpreted) ?? interpreted;
}
