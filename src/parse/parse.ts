/**
 * Lowers raw input to a validated {@link Condition} and its AST, collecting every issue
 * with its path. Nothing is dropped or coerced: an input is either accepted as it is, or
 * refused with the reasons. The input is first copied by the boundary guard (snapshot.ts),
 * then walked by the grammar (grammar.ts), whose field conditions the leaf lowering
 * (lower.ts) turns into nodes.
 */
import { ConditionError, type ConditionIssue } from "../errors.js";
import type { Node } from "../language/ast.js";
import type { Condition } from "../language/condition.js";
import { resolveOptions, type ResolvedOptions } from "../options.js";
import { Grammar } from "./grammar.js";
import { snapshot } from "./snapshot.js";

export interface Parsed {
  readonly condition: Condition;
  readonly ast: Node;
  /** Whether the condition has a relative date (its answers depend on the clock). */
  readonly relative: boolean;
}

/** Parses or returns the issues: the one place that turns raw input into a condition. */
export function parse(
  input: unknown,
  resolved: ResolvedOptions,
): { ok: true; parsed: Parsed } | { ok: false; issues: readonly ConditionIssue[] } {
  const snap = snapshot(input, resolved.limits);
  if ("issues" in snap) return { ok: false, issues: snap.issues };
  const parser = new Grammar(resolved);
  const ast = parser.condition(snap.value, [], 1);
  if (!parser.issues.ok || ast === undefined) return { ok: false, issues: parser.issues.items };
  // The snapshot is frozen as it is made: the condition handed back is that private copy.
  return { ok: true, parsed: { condition: snap.value as Condition, ast, relative: parser.lowering.relative } };
}

/** Parses or throws the {@link ConditionError} with every issue. */
export function parseOrThrow(input: unknown, resolved: ResolvedOptions = resolveOptions(undefined)): Parsed {
  const result = parse(input, resolved);
  if (!result.ok) throw new ConditionError(result.issues);
  return result.parsed;
}
