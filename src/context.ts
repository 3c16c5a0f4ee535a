/**
 * What every operation works with: resolved options, and the one rule for a condition
 * argument. Each operation is one function whose first parameter is a Context; an engine's
 * method passes the engine's context, and a free function the context of its `options`
 * (engine.ts and functions.ts are one-line delegations to the same function).
 *
 * The rule, everywhere: a condition argument is raw input, parsed with the call's options,
 * or a compiled condition whose settings (catalog, topic storage, mongoVersion, jitless) are
 * the call's; any other compiled condition is refused with `foreign_condition`. The call's
 * options are the context's when options were given (an engine's, even the defaults; a free
 * function's `options` argument with at least one option that is not `undefined`); when
 * none were, they are those of the first compiled condition among the call's condition
 * arguments, or the defaults.
 */
import { compile, compiledAst, compiledOptions, isCompiled, type CompiledCondition } from "./compile.js";
import { ConditionError, issue, readArgument, underPath, type ConditionPath } from "./errors.js";
import type { Node } from "./language/ast.js";
import type { Condition } from "./language/condition.js";
import {
  notAnObject,
  OPTION_KEYS,
  resolveOptions,
  withFieldCache,
  type ConditionOptions,
  type ResolvedOptions,
  type SqlCheck,
} from "./options.js";
import { parseOrThrow } from "./parse/parse.js";

export class Context {
  private constructor(
    /** The options a raw condition is parsed with. */
    readonly options: ResolvedOptions,
    /** Whether the options were given (then a compiled condition must have their settings). */
    readonly given: boolean,
    /** Whether they were taken from a compiled condition of the call (for the wording of a refusal). */
    private readonly adopted = false,
  ) {}

  /** The context of a free function's `options` argument (resolved now: bad options are refused at once). */
  static of(options: ConditionOptions | undefined, checkSql?: SqlCheck): Context {
    if (options === undefined) return (DEFAULT ??= new Context(resolveOptions(undefined), false));
    const resolved = resolveOptions(options, checkSql);
    return new Context(resolved, resolved.given);
  }

  /** The context of an engine: its options are given, even when they are the defaults. */
  static engine(options: ConditionOptions | undefined, checkSql?: SqlCheck): Context {
    return new Context(withFieldCache(resolveOptions(options, checkSql)), true);
  }

  /** The same context with its clock stopped at the instant `at` (a lifecycle call's `now`): relative dates are counted there. */
  at(at: number): Context {
    return new Context(Object.freeze({ ...this.options, clock: () => at }), this.given, this.adopted);
  }

  /** The context of one call whose condition arguments are `conditions` (see the rule above). */
  call(...conditions: readonly unknown[]): Context {
    if (this.given) return this;
    for (const condition of conditions)
      if (isCompiled(condition)) return new Context(compiledOptions(condition), true, true);
    return this;
  }

  /** A compiled condition argument, checked against this context; raw input is not one. */
  #own(condition: unknown, at: ConditionPath): CompiledCondition | undefined {
    if (!isCompiled(condition)) return undefined;
    if (this.given && compiledOptions(condition).settings !== this.options.settings) {
      throw new ConditionError([issue(at, { code: "foreign_condition", reason: this.adopted ? "call" : "options" })]);
    }
    return condition;
  }

  /** A condition argument as its AST; issues under `at` (e.g. `["before"]`). */
  ast(condition: unknown, at: ConditionPath = []): Node {
    return this.#at(at, () => {
      const own = this.#own(condition, at);
      return own ? compiledAst(own) : parseOrThrow(condition, this.options).ast;
    });
  }

  /** A condition argument as a validated condition and its AST; issues under `at`. */
  parsed(
    condition: unknown,
    at: ConditionPath = [],
  ): { readonly condition: Condition; readonly ast: Node; readonly relative: boolean } {
    return this.#at(at, () => {
      const own = this.#own(condition, at);
      return own
        ? { condition: own.condition, ast: compiledAst(own), relative: own.relative }
        : parseOrThrow(condition, this.options);
    });
  }

  /** A condition argument as a compiled condition (raw input is compiled); issues under `at`. */
  compiled(condition: unknown, at: ConditionPath = []): CompiledCondition {
    return this.#at(at, () => this.#own(condition, at) ?? compile(condition, this.options));
  }

  #at<T>(at: ConditionPath, run: () => T): T {
    if (at.length === 0) return run();
    try {
      return run();
    } catch (error) {
      // A foreign condition's issue already names its argument.
      throw error instanceof ConditionError && error.issues[0]?.code !== "foreign_condition"
        ? underPath(error, at)
        : error;
    }
  }
}

let DEFAULT: Context | undefined;

/**
 * Splits a free function's options into the operation's own keys (`id`, `now`, `contacts`)
 * and the condition options, reading each property once. The condition options are
 * `undefined` when none is given (a key given as `undefined` is one left out), so that a
 * compiled condition is then taken as it was made.
 */
export function splitOptions<K extends string>(
  options: unknown,
  own: readonly K[],
): { own: { readonly [P in K]?: unknown } | undefined; conditions: ConditionOptions | undefined } {
  if (options === undefined) return { own: undefined, conditions: undefined };
  return readArgument(["options"], () => {
    if (typeof options !== "object" || options === null || Array.isArray(options)) {
      throw notAnObject(options);
    }
    const mine: Record<string, unknown> = {};
    const rest: Record<string, unknown> = {};
    for (const key of Object.keys(options))
      ((own as readonly string[]).includes(key) ? mine : rest)[key] = (options as Record<string, unknown>)[key];
    // Condition options given only as undefined are none (as Context.of reads them); an unknown key is given, to be refused.
    const given = Object.keys(rest).some((key) => rest[key] !== undefined || !OPTION_KEYS.includes(key));
    return { own: mine as { readonly [P in K]?: unknown }, conditions: given ? (rest as ConditionOptions) : undefined };
  });
}

/** An engine method's options: only the operation's own keys; condition options belong to createSegmatch. */
export function ownOptions<K extends string>(
  options: unknown,
  own: readonly K[],
): { readonly [P in K]?: unknown } | undefined {
  const split = splitOptions(options, own);
  if (split.conditions !== undefined) {
    const keys = Object.keys(split.conditions);
    throw new ConditionError(
      keys.map((key) =>
        issue(["options", key], {
          code: "invalid_options",
          reason: "engine_option",
          received: JSON.stringify(key.slice(0, 100)),
        }),
      ),
    );
  }
  return split.own;
}
