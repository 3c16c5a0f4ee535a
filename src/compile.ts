/**
 * The public entry points: validate once at the boundary, then hand the AST to each target.
 */
import { ConditionError } from "./errors.js";
import type { Condition, ConditionArgument } from "./language/condition.js";
import { resolveOptions, type ConditionOptions, type ResolvedOptions } from "./options.js";
import { parse, parseOrThrow, parseOrThrowWith } from "./parse/parse.js";
import { reads, type Node } from "./language/ast.js";
import { toFilter, type MongoFilter } from "./targets/mongo/filter.js";
import { toMatcher } from "./targets/predicate/matcher.js";
import { explain } from "./targets/explain/explain.js";
import { toSqlExpression, type SqlExpression } from "./targets/sql/sql.js";
import { fromMongoWith } from "./parse/from-mongo.js";
import { conditionSchemaWith } from "./parse/json-schema.js";

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

/**
 * What `safeParseCondition` returns, in zod's style: each branch declares the other's key as
 * absent (`error?: never`, `data?: never`), so `const { data, error } = safeParseCondition(x)`
 * type-checks, and `if (error)` (or `if (!result.success)`) narrows `data` to a Condition.
 */
export type SafeParseResult = SafeParseSuccess | SafeParseFailure;
export interface SafeParseSuccess {
  readonly success: true;
  readonly data: Condition;
  readonly error?: never;
}
export interface SafeParseFailure {
  readonly success: false;
  readonly error: ConditionError;
  readonly data?: never;
}

/** {@link safeParseCondition}'s result for a parse. */
export function safeResult(result: ReturnType<typeof parse>): SafeParseResult {
  return result.ok ? { success: true, data: result.parsed.condition } : { success: false, error: new ConditionError(result.issues) };
}

/** Returns a validated copy of `input`, or throws a {@link ConditionError} listing every issue. */
export function parseCondition<const T = unknown>(input: ConditionArgument<T>, options?: ConditionOptions): Condition {
  return parseOrThrow(input, options).condition;
}

/** Like {@link parseCondition}, but returns the error instead of throwing it (as zod's `safeParse`). */
export function safeParseCondition(input: unknown, options?: ConditionOptions): SafeParseResult {
  return safeResult(parse(input, options));
}

/** Only this module can make a compiled condition: the class is reachable through any instance's prototype. */
const MINT = Symbol("segmatch.compiled");

/** Readers of a compiled condition's private parts, set by the class itself (never public statics). */
let isBranded: (value: object) => boolean;
let astOf: (compiled: Compiled) => Node;
let resolvedOf: (compiled: Compiled) => ResolvedOptions;

function notCompiled(): never {
  throw new ConditionError([{ code: "invalid_type", path: [], message: "this is not a compiled condition (a copy or a proxy of one has no filter of its own; use the compiled condition itself)" }]);
}

/**
 * A compiled condition. Membership is by its private fields (`#ast in value`), so a
 * look-alike (a copy, a proxy answering every property) is never taken for one, and asking
 * never runs a trap of the value asked about; the constructor takes a module-private token,
 * so the class, which any instance's prototype exposes, cannot make one either. The filter
 * and the lists of reads are getters that build them on first use (a request that only
 * matches never pays for them), once, frozen; the predicate starts on closures.
 */
class Compiled implements CompiledCondition {
  readonly #resolved: ResolvedOptions;
  readonly #ast: Node;
  #filter: MongoFilter | undefined;
  #reads: { readonly fields: readonly string[]; readonly topics: readonly string[] } | undefined;

  static {
    isBranded = (value) => #ast in value;
    astOf = (compiled) => compiled.#ast;
    resolvedOf = (compiled) => compiled.#resolved;
  }

  constructor(mint: symbol, condition: Condition, ast: Node, resolved: ResolvedOptions) {
    if (mint !== MINT) notCompiled();
    this.condition = condition;
    this.#ast = ast;
    this.#resolved = resolved;
    this.matches = toMatcher(ast, resolved.semantics, resolved.jitless);
    Object.freeze(this);
  }

  readonly condition: Condition;
  readonly matches: (doc: unknown) => boolean;

  get filter(): MongoFilter {
    if (!isBranded(this)) notCompiled();
    return (this.#filter ??= toFilter(this.#ast));
  }

  get fields(): readonly string[] {
    return this.#readsOnce().fields;
  }

  get topics(): readonly string[] {
    return this.#readsOnce().topics;
  }

  /** What `JSON.stringify` writes: the condition, its filter and what it reads. */
  toJSON(): { condition: Condition; filter: MongoFilter; fields: readonly string[]; topics: readonly string[] } {
    return { condition: this.condition, filter: this.filter, fields: this.fields, topics: this.topics };
  }

  #readsOnce(): { readonly fields: readonly string[]; readonly topics: readonly string[] } {
    if (!isBranded(this)) notCompiled();
    if (this.#reads === undefined) {
      const { fields, topics } = reads(this.#ast);
      this.#reads = { fields: Object.freeze(fields), topics: Object.freeze(topics) };
    }
    return this.#reads;
  }
}
Object.freeze(Compiled.prototype);
Object.freeze(Compiled);

/** Validates once and compiles both targets once. */
export function compileCondition<const T = unknown>(input: ConditionArgument<T>, options?: ConditionOptions): CompiledCondition {
  return compileWith(input, resolveOptions(options));
}

/** {@link compileCondition} with options already resolved (once, by an engine or per call). */
export function compileWith(input: unknown, resolved: ResolvedOptions): CompiledCondition {
  const { condition, ast } = parseOrThrowWith(input, resolved);
  return new Compiled(MINT, condition, ast, resolved);
}

export function isCompiled(value: unknown): value is CompiledCondition {
  return typeof value === "object" && value !== null && isBranded(value);
}

/** The options a compiled condition was compiled with. */
export function compiledOptions(compiled: CompiledCondition): ResolvedOptions {
  return resolvedOf(compiled as Compiled);
}

/** The AST a compiled condition was compiled from. */
export function compiledAst(compiled: CompiledCondition): Node {
  return astOf(compiled as Compiled);
}

/** A condition argument as an AST in `scope` (raw input is parsed, not compiled: no filter, no predicate). */
export function astFrom(condition: unknown, scope: Scope): Node {
  return isCompiled(condition) ? compiledAst(compiledFrom(condition, scope)) : parseOrThrowWith(condition, scope.resolved).ast;
}

/**
 * Where a function's options come from. `strict`: they were given (an engine's, or a free
 * function's `options` argument), so a compiled condition made with other settings is
 * refused rather than silently used or silently recompiled. Without options, a compiled
 * condition is taken as it was made.
 */
export interface Scope {
  readonly resolved: ResolvedOptions;
  readonly strict: boolean;
}

/** The scope of a free function's `options` argument. */
export function scopeOf(options: ConditionOptions | undefined): Scope {
  return { resolved: resolveOptions(options), strict: options !== undefined };
}

/** A condition argument: raw input, compiled here; or a CompiledCondition, whose settings must be the scope's. */
export function compiledFrom(condition: unknown, scope: Scope): CompiledCondition {
  if (!isCompiled(condition)) return compileWith(condition, scope.resolved);
  if (scope.strict && compiledOptions(condition).settings !== scope.resolved.settings) {
    throw new ConditionError([
      {
        code: "foreign_condition",
        path: [],
        message: "this condition was compiled with other options (catalog, topics or mongoVersion) than the ones given here; compile it with these options, or pass it where it was compiled",
      },
    ]);
  }
  return condition;
}

/** The MongoDB filter alone. */
export function toMongoFilter<const T = unknown>(input: ConditionArgument<T>, options?: ConditionOptions): MongoFilter {
  return filterWith(input, resolveOptions(options));
}

/** {@link toMongoFilter} with options already resolved. */
export function filterWith(input: unknown, resolved: ResolvedOptions): MongoFilter {
  return toFilter(parseOrThrowWith(input, resolved).ast);
}

/** The in-memory predicate alone. */
export function toPredicate<const T = unknown>(input: ConditionArgument<T>, options?: ConditionOptions): (doc: unknown) => boolean {
  return predicateWith(input, resolveOptions(options));
}

/** {@link toPredicate} with options already resolved. */
export function predicateWith(input: unknown, resolved: ResolvedOptions): (doc: unknown) => boolean {
  return toMatcher(parseOrThrowWith(input, resolved).ast, resolved.semantics, resolved.jitless);
}

/**
 * One English sentence for a condition, in the user's words: field names as written (catalog
 * names, not storage paths), values as given, `and`/`or` bracketed where they mix.
 */
export function explainCondition(condition: unknown, options?: ConditionOptions): string {
  return explainWith(condition, scopeOf(options));
}

/** {@link explainCondition} in a scope (an engine's, or a free function's options). */
export function explainWith(condition: unknown, scope: Scope): string {
  const fields = isCompiled(condition) ? compiledOptions(condition).fields : scope.resolved.fields;
  return explain(astFrom(condition, scope), (name) => fields?.get(name)?.type ?? "untyped");
}

/**
 * Lifts a MongoDB filter into the language: the validated condition with exactly the
 * filter's meaning, or a ConditionError with the path (under `filter`) of every part that
 * cannot be lifted. With a catalog, storage paths become field names.
 */
export function fromMongoQuery(filter: unknown, options?: ConditionOptions): Condition {
  return fromMongoWith(filter, resolveOptions(options));
}

/**
 * The JSON Schema (draft 2020-12) of the condition language, for an OpenAPI document; with
 * a catalog, `field` is one of its names, with each field's operators and value types.
 */
export function conditionJsonSchema(options?: ConditionOptions): Record<string, unknown> {
  return conditionSchemaWith(resolveOptions(options));
}

/** What `toSql` takes: a condition, as the other entry points do, or a compiled condition (whose own options it uses when none are given). */
export type SqlConditionArgument<T> = T extends CompiledCondition ? T : ConditionArgument<T>;

/**
 * A PostgreSQL boolean expression for a `WHERE` clause, `{ text, values }` with `$n`
 * placeholders, selecting exactly the contacts the predicate accepts. Needs a catalog
 * (`options.fields`) and `options.sql`.
 */
export function toSql<const T = unknown>(condition: SqlConditionArgument<T>, options?: ConditionOptions): SqlExpression {
  return sqlWith(condition, scopeOf(options));
}

/** {@link toSql} in a scope. */
export function sqlWith(condition: unknown, scope: Scope): SqlExpression {
  // Without options, a compiled condition brings its own (as explainCondition takes them).
  const resolved = isCompiled(condition) && !scope.strict ? compiledOptions(condition) : scope.resolved;
  return toSqlExpression(astFrom(condition, scope), resolved);
}
