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
import { resolveOptions, type ConditionOptions, type ResolvedOptions } from "../options.js";
import { Grammar } from "./grammar.js";
import { snapshot } from "./snapshot.js";

export interface Parsed {
  readonly condition: Condition;
  readonly ast: Node;
}

/** Parses or returns the issues; the one place that turns raw input into a condition. */
export function parse(input: unknown, options?: ConditionOptions): { ok: true; parsed: Parsed; options: ResolvedOptions } | { ok: false; issues: readonly ConditionIssue[] } {
  let resolved: ResolvedOptions;
  try {
    resolved = resolveOptions(options);
  } catch (error) {
    if (error instanceof ConditionError) return { ok: false, issues: error.issues };
    throw error;
  }
  return parseWith(input, resolved);
}

/** {@link parse} with options already resolved (once per call, by the caller). */
export function parseWith(input: unknown, resolved: ResolvedOptions): { ok: true; parsed: Parsed; options: ResolvedOptions } | { ok: false; issues: readonly ConditionIssue[] } {
  const snap = snapshot(input, resolved.limits);
  if ("issues" in snap) return { ok: false, issues: snap.issues };
  const parser = new Grammar(resolved);
  const ast = parser.condition(snap.value, [], 1);
  if (!parser.issues.ok || ast === undefined) return { ok: false, issues: parser.issues.items };
  // The snapshot is frozen as it is made: the condition handed back is that private copy.
  return { ok: true, parsed: { condition: snap.value as Condition, ast }, options: resolved };
}

/** Parses or throws the {@link ConditionError} with every issue. */
export function parseOrThrow(input: unknown, options?: ConditionOptions): Parsed & { options: ResolvedOptions } {
  return parseOrThrowWith(input, resolveOptions(options));
}

/** {@link parseOrThrow} with options already resolved. */
export function parseOrThrowWith(input: unknown, resolved: ResolvedOptions): Parsed & { options: ResolvedOptions } {
  const result = parseWith(input, resolved);
  if (!result.ok) throw new ConditionError(result.issues);
  return { condition: result.parsed.condition, ast: result.parsed.ast, options: result.options };
}
