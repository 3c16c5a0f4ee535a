/** Chooses the predicate compiler: generated code where possible, closures otherwise. */
import type { Node } from "../language/ast.js";
import { generateMatcher } from "./predicate-codegen.js";
import { interpretMatcher, type Predicate } from "./predicate.js";

export function toMatcher(node: Node): Predicate {
  const interpreted = interpretMatcher(node);
  return generateMatcher(node, interpreted) ?? interpreted;
}
