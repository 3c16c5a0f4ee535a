/**
 * The public entry points: validate once at the boundary, then hand the AST to each target.
 */
import { ConditionError } from "./errors.js";
import type { Condition } from "./language/condition.js";
import { resolveOptions, type ConditionOptions, type ResolvedOptions, type TopicLayout } from "./options.js";
import { parse, parseOrThrow, parseOrThrowWith } from "./parse/parse.js";
import { reads } from "./language/ast.js";
import { toFilter, type MongoFilter } from "./targets/mongo/filter.js";
import { toMatcher } from "./targets/predicate/matcher.js";

/** A condition validated and compiled for both targets: immutable, reusable without limit. */
export interface CompiledCondition {
  /** The validated condition, as it was given. */
  readonly condition: Condition;
  /** The MongoDB filter, for `find`, `countDocuments` or a change stream's `$match`. */
  readonly filter: MongoFilter;
  /** Whether one contact document matches: exactly what MongoDB answers for `filter`. */
  readonly matches: (doc: unknown) => boolean;
  /** The field paths the condition reads, each once, in order of appearance. */
  readonly fields: readonly string[];
  /** The topic ids the condition reads, each once, in order of appearance. */
  readonly topics: readonly string[];
}

export type SafeParseResult = { readonly success: true; readonly data: Condition } | { readonly success: false; readonly error: ConditionError };

/** Returns a validated copy of `input`, or throws a {@link ConditionError} listing every issue. */
export function parseCondition(input: unknown, options?: ConditionOptions): Condition {
  return parseOrThrow(input, options).condition;
}

/** Like {@link parseCondition}, but returns the error instead of throwing it (as zod's `safeParse`). */
export function safeParseCondition(input: unknown, options?: ConditionOptions): SafeParseResult {
  const result = parse(input, options);
  return result.ok ? { success: true, data: result.parsed.condition } : { success: false, error: new ConditionError(result.issues) };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * What compileCondition made, with what it was compiled with. Membership is by identity,
 * so a look-alike (a copy, a proxy answering every property) is never taken for a compiled
 * condition, and asking never runs a trap of the value asked about.
 */
const COMPILED = new WeakMap<object, CompiledMeta>();

/** Validates once and compiles both targets once. */
export function compileCondition(input: unknown, options?: ConditionOptions): CompiledCondition {
  return compileWith(input, resolveOptions(options));
}

/** {@link compileCondition} with options already resolved (once per call, by the caller). */
export function compileWith(input: unknown, resolved: ResolvedOptions): CompiledCondition {
  const { condition, ast } = parseOrThrowWith(input, resolved);
  const { fields, topics } = reads(ast);
  const compiled: CompiledCondition = Object.freeze({
    condition,
    filter: deepFreeze(toFilter(ast)),
    matches: toMatcher(ast, resolved.semantics),
    fields: Object.freeze(fields),
    topics: Object.freeze(topics),
  });
  COMPILED.set(compiled, Object.freeze({ topicsPath: resolved.topicsPath, topicsLayout: resolved.topicsLayout }));
  return compiled;
}

/** What a compiled condition was compiled with, beyond its AST: where and how it reads topics. */
export interface CompiledMeta {
  readonly topicsPath: string;
  readonly topicsLayout: TopicLayout;
}

export function isCompiled(value: unknown): value is CompiledCondition {
  return typeof value === "object" && value !== null && COMPILED.has(value);
}

export function compiledMeta(compiled: CompiledCondition): CompiledMeta {
  return COMPILED.get(compiled) as CompiledMeta;
}

/** A condition argument may be raw input or a CompiledCondition (used as it is, whatever the options). */
export function compiledFrom(condition: unknown, resolved: ResolvedOptions): CompiledCondition {
  return isCompiled(condition) ? condition : compileWith(condition, resolved);
}

/** The MongoDB filter alone. */
export function toMongoFilter(input: unknown, options?: ConditionOptions): MongoFilter {
  return deepFreeze(toFilter(parseOrThrow(input, options).ast));
}

/** The in-memory predicate alone. */
export function toPredicate(input: unknown, options?: ConditionOptions): (doc: unknown) => boolean {
  const { ast, options: resolved } = parseOrThrow(input, options);
  return toMatcher(ast, resolved.semantics);
}
