/**
 * Compiled conditions: validated once, with the MongoDB filter and the predicate built from
 * the AST on first use. Only this module can make one, so a look-alike is never taken for one.
 */
import { ConditionError, describe, issue } from "./errors.js";
import type { Condition, ConditionArgument } from "./language/condition.js";
import { instantOf, type ResolvedOptions } from "./options.js";
import { parseOrThrow } from "./parse/parse.js";
import { reads, type Node } from "./language/ast.js";
import { toFilter, type MongoFilter } from "./targets/mongo/filter.js";
import { toMatcher } from "./targets/predicate/matcher.js";

/** A condition validated and compiled for both targets: immutable, reusable without limit. */
export interface CompiledCondition {
  /** The validated condition, as it was given. */
  readonly condition: Condition;
  /**
   * The MongoDB filter, for `find`, `countDocuments` or a change stream's `$match`. A
   * relative condition's is written at the clock's instant on each access.
   */
  readonly filter: MongoFilter;
  /** Whether one contact document matches (at the clock's instant): exactly what MongoDB answers for `filter`. */
  readonly matches: (doc: unknown) => boolean;
  /** Whether the condition has a relative date (`"now-30d"`): then its answers depend on the clock. */
  readonly relative: boolean;
  /** Whether one contact document matches at the instant `at` (a Date or epoch milliseconds). */
  readonly matchesAt: (doc: unknown, at: Date | number) => boolean;
  /** The MongoDB filter at the instant `at`: each relative date resolved to it. */
  filterAt(at: Date | number): MongoFilter;
  /**
   * The earliest instant after `at` (default: the clock's) at which the answer for this
   * unchanged document changes, or null when it never will (always null for a condition
   * without a relative date): when to check the document again.
   */
  nextChange(doc: unknown, at?: Date | number): Date | null;
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

/** Only this module can make a compiled condition: the class is reachable through any instance's prototype. */
const MINT = Symbol("segmatch.compiled");

/** Readers of a compiled condition's private parts, set by the class itself (never public statics). */
let isBranded: (value: object) => boolean;
let astOf: (compiled: Compiled) => Node;
let resolvedOf: (compiled: Compiled) => ResolvedOptions;

/** An instant a caller gives (a Date or epoch milliseconds), or a ConditionError at `[name]`. */
export function instantArgument(at: unknown, name: string): number {
  const t = instantOf(at);
  if (t === undefined)
    throw new ConditionError([
      issue([name], {
        code: "invalid_type",
        reason: "argument",
        argument: "instant",
        expected: "a valid Date or epoch milliseconds",
        received: describe(at),
      }),
    ]);
  return t;
}

const instant = (at: unknown): number => instantArgument(at, "at");

function notCompiled(): never {
  throw new ConditionError([issue([], { code: "invalid_type", reason: "not_compiled" })]);
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

  constructor(mint: symbol, condition: Condition, ast: Node, resolved: ResolvedOptions, relative: boolean) {
    if (mint !== MINT) notCompiled();
    this.condition = condition;
    this.#ast = ast;
    this.#resolved = resolved;
    this.relative = relative;
    const { matches, matchesAt, nextChange } = toMatcher(ast, resolved, relative);
    this.matches = matches;
    this.matchesAt = (doc, at) => matchesAt(doc, instant(at));
    this.#nextChange = nextChange;
    Object.freeze(this);
  }

  readonly condition: Condition;
  readonly relative: boolean;
  readonly matches: (doc: unknown) => boolean;
  readonly matchesAt: (doc: unknown, at: Date | number) => boolean;

  get filter(): MongoFilter {
    if (!isBranded(this)) notCompiled();
    if (this.relative) return toFilter(this.#ast, this.#resolved, this.#resolved.clock());
    return (this.#filter ??= toFilter(this.#ast, this.#resolved));
  }

  readonly #nextChange: (doc: unknown, at: number) => number | null;

  nextChange(doc: unknown, at?: Date | number): Date | null {
    if (!isBranded(this)) notCompiled();
    if (!this.relative) return null;
    const t = this.#nextChange(doc, at === undefined ? this.#resolved.clock() : instant(at));
    return t === null ? null : new Date(t);
  }

  filterAt(at: Date | number): MongoFilter {
    if (!isBranded(this)) notCompiled();
    if (!this.relative) return this.filter;
    return toFilter(this.#ast, this.#resolved, instant(at));
  }

  get fields(): readonly string[] {
    return this.#readsOnce().fields;
  }

  get topics(): readonly string[] {
    return this.#readsOnce().topics;
  }

  /** How a message names a compiled condition (or a proxy of one) given where raw input belongs. */
  get "segmatch:describedAs"(): string {
    return "a compiled condition";
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

/** A compiled condition made from raw input with resolved options. */
export function compile(input: unknown, resolved: ResolvedOptions): CompiledCondition {
  const { condition, ast, relative } = parseOrThrow(input, resolved);
  return new Compiled(MINT, condition, ast, resolved, relative);
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

/**
 * What every entry point takes as a condition: a compiled condition, or input that
 * {@link ConditionArgument} checks (anything typed `unknown`, or a literal of the language).
 */
export type ConditionOrCompiled<T> = T extends CompiledCondition ? T : ConditionArgument<T>;
