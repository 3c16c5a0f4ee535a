/**
 * Every evaluator of a condition, named, so that a table or a property checks them all and
 * not only the one a few calls of `matches` happen to reach. A compiled predicate runs on
 * closures for its first HOT_CALLS calls and then on generated code; the segment index and
 * countMembersMany run shared leaves, and countMembersMany a generated counter after its
 * first 256 contacts. The tiers:
 *
 * | tier        | what runs                                                                                                           |
 * |-------------|---------------------------------------------------------------------------------------------------------------------|
 * | `matches`   | `compileCondition(condition, options).matches`, cold: closures (what a table calling it a few times sees)          |
 * | `hot`       | a compiled `matches` after HOT_CALLS calls on `{}`: toMatcher's own switch to generated code (tables only)         |
 * | `closures`  | `interpretMatcher` over the optimised AST: what `matches` runs first, and the jitless and CSP fallback             |
 * | `generated` | `generateMatcher` over the optimised AST, as toMatcher builds it                                                    |
 * | `index`     | `createSegmentIndex().set` + `match`: the shared leaves (SharedLeaves)                                              |
 * | `count`     | `countMembersMany` over fewer than 256 contacts: its shared leaves                                                  |
 * | `counter`   | countMembersMany's generated counter: tables reach it through countMembersMany (the contacts after the 256th),     |
 * |             | properties call the function it would generate (generateCounter), to spare 256 contacts per run                    |
 *
 * Generated code runs on plain-object and null-prototype documents, and on non-documents
 * (null, a number, an array, a Date: no fields). A class instance, a DBRef or any other
 * non-plain document as the whole document goes to the closures by design, in `generated`,
 * `hot` and `counter` alike (countMembersMany counts it on the shared leaves): those
 * evaluations are tallied as fallbacks, not as generated ones. BSON values (Long,
 * Decimal128, BSONSymbol, a DBRef) inside a plain document do run generated code.
 *
 * Three ways in:
 * - {@link expectAllTiers}(condition, doc, expected, options): a table row, every tier;
 * - {@link expectTiers}(condition, docs, expected, options) and {@link agreedAnswers}: a
 *   property's documents in one batch (no `hot`; `tiers` picks some, as MANY_RUN_TIERS
 *   does for the two properties with the most runs); `count` is one countMembersMany call
 *   per four documents, document i weighted as 2^i contacts, so the count's bits are the
 *   answers;
 * - {@link evaluators}(conditions, options): one function per tier over several conditions,
 *   built once and run on many documents (the path-port property caches them); the index
 *   holds all the conditions, `count` runs countMembersMany on one contact, `counter` calls
 *   the one function countMembersMany would generate for them all.
 *
 * {@link tierTally} counts, per tier, the evaluations that really ran on it in this file;
 * each file that uses the helper ends with {@link itRanEveryTier}, a test that fails if
 * generated code (or any other tier the file checks) never ran.
 */
import { inspect } from "node:util";
import { expect, it } from "vitest";
import {
  compileCondition,
  countMembersMany,
  createSegmentIndex,
  type CompiledCondition,
  type ConditionOptions,
} from "../src/index.js";
import { compile, compiledAst, compiledOptions, isCompiled } from "../src/compile.js";
import { interpretMatcher } from "../src/targets/predicate/closures.js";
import { generateCounter, generateMatcher, type Counter } from "../src/targets/predicate/codegen.js";
import { HOT_CALLS } from "../src/targets/predicate/matcher.js";
import { optimize } from "../src/targets/predicate/optimize.js";
import { lowerTopics } from "../src/targets/topics.js";
import { bindClock } from "../src/targets/predicate/clocked.js";
import type { Node } from "../src/language/ast.js";
import { parseOrThrow } from "../src/parse/parse.js";
import { resolveOptions, type ResolvedOptions } from "../src/options.js";
import { isDocument } from "../src/runtime/path.js";

export const TIERS = ["matches", "hot", "closures", "generated", "index", "count", "counter"] as const;
export type Tier = (typeof TIERS)[number];

/**
 * The tiers of the two properties that draw one condition per run over tens of thousands of
 * runs (the differential, fromMongoQuery's meaning): all but `hot` and `counter`. The
 * counter would cost a second `new Function` per run (about ten seconds over the suite) for
 * code it shares with generateMatcher (codegen.ts's Generator); it is checked on the same
 * generators, many conditions at once, in shared.test.ts, and by every other property and
 * table that uses this helper.
 */
export const MANY_RUN_TIERS: readonly Tier[] = ["matches", "closures", "generated", "index", "count"];

/** Per tier: evaluations that ran on it. `fallbacks`: those a generated tier handed to closures (non-plain documents, no code). */
export const tierTally: {
  readonly ran: Record<Tier, number>;
  readonly fallbacks: Record<"hot" | "generated" | "counter", number>;
} = {
  ran: { matches: 0, hot: 0, closures: 0, generated: 0, index: 0, count: 0, counter: 0 },
  fallbacks: { hot: 0, generated: 0, counter: 0 },
};

/** Contacts countMembersMany counts on shared leaves before it generates its counter (membership.ts, BULK_AFTER). */
const BULK_AFTER = 256;
/**
 * Documents told apart by one count: weights 1, 2, 4, 8 make at most 15 contacts, below
 * BULK_AFTER (a chunk of k costs 2^k − 1 contacts: four per call is cheapest).
 */
const CHUNK = 4;

/** Whether generated code reads a document itself (codegen.ts `run`): a plain object, or a non-document (no fields); not a class instance or a DBRef. */
function runsGenerated(doc: unknown): boolean {
  return isPlainObject(doc) || !isDocument(doc);
}

/** Only plain objects reach the counter (countMembersMany's test); everything else is counted on shared leaves. */
function isPlainObject(doc: unknown): boolean {
  if (typeof doc !== "object" || doc === null) return false;
  const proto: unknown = Object.getPrototypeOf(doc);
  return proto === Object.prototype || proto === null;
}

/** The closures and the generated predicate of one condition, as toMatcher builds them. */
interface Built {
  readonly compiled: CompiledCondition;
  /** From the optimised AST, as toMatcher builds them; the generated predicate's fallback. */
  readonly closures: (doc: unknown) => boolean;
  /** Undefined where code is not generated (jitless, or a tree too large to be worth it). */
  readonly generated: ((doc: unknown) => boolean) | undefined;
  /** Whether the last call of `generated` went to the closures. */
  readonly fell: { last: boolean };
}

/** A compiled condition: `condition` itself if it is one (its options are its own), else compiled with `options`. */
function compiledOf(condition: unknown, options: ConditionOptions): CompiledCondition {
  return isCompiled(condition) ? condition : compileCondition(condition, options);
}

/** A compiled condition's tree as the document targets read it: its topic tests lowered for its options' layout. */
export function documentAst(compiled: CompiledCondition): Node {
  const resolved = compiledOptions(compiled);
  const lowered = lowerTopics(compiledAst(compiled), resolved);
  // Relative dates: cells set once, at the compiled condition's clock (tests give a fixed instant).
  const { root, cells } = bindClock(lowered, resolved.zone);
  if (cells.length > 0) {
    const at = resolved.clock();
    for (const cell of cells) cell.set(at);
  }
  return root;
}

/** Raw input's tree as the document targets read it (parsed, its topic tests lowered): what the predicate's internals take. */
export function parsedAst(input: unknown, resolved: ResolvedOptions = resolveOptions(undefined)): Node {
  return lowerTopics(parseOrThrow(input, resolved).ast, resolved);
}

function build(compiled: CompiledCondition): Built {
  const resolved = compiledOptions(compiled);
  const ast = optimize(documentAst(compiled));
  const closures = interpretMatcher(ast, resolved.semantics);
  const fell = { last: false };
  const fallback = (doc: unknown) => {
    fell.last = true;
    return closures(doc);
  };
  const generated = resolved.jitless ? undefined : generateMatcher(ast, resolved.semantics, fallback);
  return { compiled, closures, generated, fell };
}

/** The counter countMembersMany would generate for these conditions; undefined where it generates none (jitless, too many tests). */
function counterOf(compiled: readonly CompiledCondition[]): Counter | undefined {
  const resolved = compiledOptions(compiled[0]!);
  return resolved.jitless ? undefined : generateCounter(compiled.map(documentAst), resolved.semantics);
}

function runGenerated(built: Built, doc: unknown): boolean {
  if (built.generated === undefined) {
    tierTally.fallbacks.generated++;
    return built.closures(doc);
  }
  built.fell.last = false;
  const answer = built.generated(doc);
  if (built.fell.last) tierTally.fallbacks.generated++;
  else tierTally.ran.generated++;
  return answer;
}

/** The compiled `matches` once it has switched to generated code (a fresh compiled condition, warmed on `{}`). */
function runHot(built: Built, doc: unknown): boolean {
  const { matches } = compile(built.compiled.condition, compiledOptions(built.compiled));
  const empty = {};
  for (let i = 0; i < HOT_CALLS; i++) matches(empty);
  if (built.generated !== undefined && runsGenerated(doc)) tierTally.ran.hot++;
  else tierTally.fallbacks.hot++;
  return matches(doc);
}

/** The contacts of one count over `docs`, document i as 2^i contacts: the bits of the count are the answers. */
function weighted(docs: readonly unknown[]): unknown[] {
  return docs.flatMap((doc, i) => Array.from({ length: 2 ** i }, () => doc));
}

function bits(n: number, k: number): boolean[] | undefined {
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** k) return undefined;
  return Array.from({ length: k }, (_, i) => Math.floor(n / 2 ** i) % 2 === 1);
}

/** countMembersMany's shared leaves on a chunk of at most {@link CHUNK} documents: one count over fewer than 256 contacts. */
function countShared(compiled: CompiledCondition, docs: readonly unknown[]): boolean[] {
  const contacts = weighted(docs);
  const counted = countMembersMany({ s: compiled }, contacts).s!;
  const answers = bits(counted, docs.length);
  if (answers === undefined)
    throw new Error(
      `countMembersMany (shared leaves) counted ${counted} of ${contacts.length} weighted contacts: not a count of ${docs.length} documents`,
    );
  return answers;
}

/**
 * countMembersMany's counter, reached through countMembersMany itself: 256 copies of the
 * first document (counted on shared leaves, whose answer `first` is), then the chunk's
 * weighted contacts, which the counter counts (plain documents; any other goes to the shared
 * leaves, as countMembersMany does).
 */
function countAfterSwitch(compiled: CompiledCondition, docs: readonly unknown[], first: boolean): boolean[] {
  const contacts = weighted(docs);
  const total = countMembersMany({ s: compiled }, [
    ...Array.from({ length: BULK_AFTER }, () => docs[0]),
    ...contacts,
  ]).s!;
  const rest = total - (first ? BULK_AFTER : 0);
  const answers = bits(rest, docs.length);
  if (answers === undefined)
    throw new Error(
      `countMembersMany's counter counted ${rest} of ${contacts.length} weighted contacts after ${BULK_AFTER} others: not a count of ${docs.length} documents`,
    );
  return answers;
}

/** The counter countMembersMany would generate, called on a document (a plain one; any other is counted on the shared leaves, as countMembersMany does). */
function countDirect(counter: Counter | undefined, doc: unknown, shared: boolean): boolean {
  if (counter === undefined || !isPlainObject(doc)) return shared;
  const counts = [0];
  counter(doc as Record<string, unknown>, counts);
  return counts[0] === 1;
}

/** How a batch is checked: `full` (tables) adds `hot` and reaches `counter` through countMembersMany's own switch; `tiers` picks some. */
export interface TierChoice {
  readonly full?: boolean;
  /** The tiers to run (default: all, `hot` only when `full`). */
  readonly tiers?: readonly Tier[];
}

/**
 * Every tier's answer for each of `docs`, in order. `full` (tables): the `hot` tier too, and
 * `counter` reached through countMembersMany's own switch after 256 contacts; otherwise
 * (properties, where the cost per run counts) `counter` is the function countMembersMany
 * would generate, called directly (generateCounter).
 */
export function tierAnswers(
  condition: unknown,
  docs: readonly unknown[],
  options: ConditionOptions = {},
  { full = false, tiers = TIERS }: TierChoice = {},
): Map<Tier, boolean[]> {
  const built = build(compiledOf(condition, options));
  const runs = (tier: Tier) => tiers.includes(tier);
  const out = new Map<Tier, boolean[]>();
  if (runs("matches")) {
    out.set(
      "matches",
      docs.map((doc) => built.compiled.matches(doc)),
    );
    tierTally.ran.matches += docs.length;
  }
  if (full && runs("hot"))
    out.set(
      "hot",
      docs.map((doc) => runHot(built, doc)),
    );
  if (runs("closures")) {
    out.set(
      "closures",
      docs.map((doc) => built.closures(doc)),
    );
    tierTally.ran.closures += docs.length;
  }
  if (runs("generated")) {
    out.set(
      "generated",
      docs.map((doc) => runGenerated(built, doc)),
    );
  }
  if (runs("index")) {
    const index = createSegmentIndex();
    index.set("s", built.compiled);
    out.set(
      "index",
      docs.map((doc) => index.match(doc).length === 1),
    );
    tierTally.ran.index += docs.length;
  }
  if (runs("count") || runs("counter")) {
    const counter = full ? undefined : runs("counter") ? counterOf([built.compiled]) : undefined;
    const count: boolean[] = [];
    const counted: boolean[] = [];
    for (let i = 0; i < docs.length; i += CHUNK) {
      const chunk = docs.slice(i, i + CHUNK);
      const shared = countShared(built.compiled, chunk);
      count.push(...shared);
      if (runs("counter"))
        counted.push(
          ...(full
            ? countAfterSwitch(built.compiled, chunk, shared[0]!)
            : chunk.map((doc, j) => countDirect(counter, doc, shared[j]!))),
        );
    }
    if (runs("count")) {
      out.set("count", count);
      tierTally.ran.count += docs.length;
    }
    if (runs("counter")) {
      out.set("counter", counted);
      const generates = !compiledOptions(built.compiled).jitless && (full || counter !== undefined);
      for (const doc of docs) {
        if (generates && isPlainObject(doc)) tierTally.ran.counter++;
        else tierTally.fallbacks.counter++;
      }
    }
  }
  return out;
}

/** A document as it is, for a failure message: BSON values by class, undefined, -0, NaN, getters. */
export function show(value: unknown): string {
  return inspect(value, { depth: null, breakLength: Infinity, getters: true });
}

function disagreement(
  condition: unknown,
  options: ConditionOptions,
  doc: unknown,
  answers: [Tier, boolean][],
  expected: boolean | undefined,
  note: string | undefined,
): Error {
  const byTier = answers.map(([tier, answer]) => `${tier}=${answer}`).join(" ");
  const given = Object.keys(options).length > 0 ? `\n  options: ${show(options)}` : "";
  return new Error(
    `${expected === undefined ? "tiers disagree" : `expected ${expected}`}: ${byTier}\n  condition: ${JSON.stringify(condition)}${given}\n  doc: ${show(doc)}` +
      (note ? `\n  ${note}` : ""),
  );
}

/**
 * Asserts that every tier answers `expected` for each document (a list in the order of
 * `docs`, or a function of the document). `note(i)` adds context to a failure message.
 */
export function expectTiers(
  condition: unknown,
  docs: readonly unknown[],
  expected: readonly boolean[] | ((doc: unknown, i: number) => boolean),
  options: ConditionOptions = {},
  { note, ...choice }: TierChoice & { note?: (i: number) => string } = {},
): void {
  const answers = tierAnswers(condition, docs, options, choice);
  docs.forEach((doc, i) => {
    const want = typeof expected === "function" ? expected(doc, i) : expected[i];
    const row = [...answers].map(([tier, list]): [Tier, boolean] => [tier, list[i]!]);
    if (row.some(([, answer]) => answer !== want)) throw disagreement(condition, options, doc, row, want, note?.(i));
  });
}

/** Asserts that every tier answers `expected` on one document: a table row (`full`: `hot` too, and the counter through countMembersMany). */
export function expectAllTiers(
  condition: unknown,
  doc: unknown,
  expected: boolean,
  options: ConditionOptions = {},
): void {
  expectTiers(condition, [doc], [expected], options, { full: true });
}

/** The answers every tier agrees on, for each document (throws, naming the tiers, where they do not agree). */
export function agreedAnswers(
  condition: unknown,
  docs: readonly unknown[],
  options: ConditionOptions = {},
  choice: TierChoice = {},
): boolean[] {
  const answers = tierAnswers(condition, docs, options, choice);
  return docs.map((doc, i) => {
    const row = [...answers].map(([tier, list]): [Tier, boolean] => [tier, list[i]!]);
    if (row.some(([, answer]) => answer !== row[0]![1]))
      throw disagreement(condition, options, doc, row, undefined, undefined);
    return row[0]![1];
  });
}

export interface Evaluator {
  readonly tier: Tier;
  /** This tier's answer for one document: one per condition, in order. */
  run(doc: unknown): readonly boolean[];
}

/**
 * One evaluator per tier (all but `hot`; `only` picks some) over several conditions, built
 * once, for a property that runs the same conditions on many documents. The many-segment
 * tiers hold all the conditions at once, as they are meant to: `index` is one segment index,
 * `count` one countMembersMany call per document, and `counter` the one function
 * countMembersMany would generate for them all (generateCounter), run on a plain document
 * (any other document is counted on the shared leaves, as countMembersMany does).
 */
export function evaluators(
  conditions: readonly unknown[],
  options: ConditionOptions = {},
  only: readonly Tier[] = TIERS,
): Evaluator[] {
  const compiled = conditions.map((c) => compiledOf(c, options));
  const n = compiled.length;
  const segments = Object.fromEntries(compiled.map((c, i) => [String(i), c]));
  const countShared = (doc: unknown): boolean[] => {
    const counts = countMembersMany(segments, [doc]);
    return compiled.map((_, i) => counts[String(i)] === 1);
  };
  /** Each evaluator answers into its own array, reused from call to call (read at once by the caller). */
  const each = (tier: Tier, answer: (i: number, doc: unknown) => boolean, tally: () => void): Evaluator => {
    const out = new Array<boolean>(n).fill(false);
    return {
      tier,
      run: (doc) => {
        tally();
        for (let i = 0; i < n; i++) out[i] = answer(i, doc);
        return out;
      },
    };
  };
  const make = (tier: Tier): Evaluator | undefined => {
    switch (tier) {
      case "matches":
        return each(
          tier,
          (i, doc) => compiled[i]!.matches(doc),
          () => (tierTally.ran.matches += n),
        );
      case "closures": {
        const closures = compiled.map((c) => interpretMatcher(optimize(documentAst(c)), compiledOptions(c).semantics));
        return each(
          tier,
          (i, doc) => closures[i]!(doc),
          () => (tierTally.ran.closures += n),
        );
      }
      case "generated": {
        const built = compiled.map(build);
        return each(
          tier,
          (i, doc) => runGenerated(built[i]!, doc),
          () => undefined,
        );
      }
      case "index": {
        const index = createSegmentIndex();
        compiled.forEach((c, i) => index.set(String(i), c));
        const out = new Array<boolean>(n).fill(false);
        return {
          tier,
          run: (doc) => {
            tierTally.ran.index += n;
            out.fill(false);
            for (const id of index.match(doc)) out[Number(id)] = true;
            return out;
          },
        };
      }
      case "count":
        return { tier, run: (doc) => ((tierTally.ran.count += n), countShared(doc)) };
      case "counter": {
        const counter = counterOf(compiled);
        const counts = new Array<number>(n).fill(0);
        const out = new Array<boolean>(n).fill(false);
        return {
          tier,
          run: (doc) => {
            if (counter === undefined || !isPlainObject(doc)) {
              tierTally.fallbacks.counter += n;
              return countShared(doc);
            }
            tierTally.ran.counter += n;
            counts.fill(0);
            counter(doc as Record<string, unknown>, counts);
            for (let i = 0; i < n; i++) out[i] = counts[i] === 1;
            return out;
          },
        };
      }
      case "hot":
        return undefined;
    }
  };
  return only.flatMap((tier) => make(tier) ?? []);
}

/**
 * Runs `evaluators` on one document and asserts each answers `expected` (one per condition);
 * `note(i)` adds context to the failure message of condition `i`.
 */
export function expectEvaluators(
  list: readonly Evaluator[],
  conditions: readonly unknown[],
  doc: unknown,
  expected: readonly boolean[],
  options: ConditionOptions = {},
  note?: (i: number) => string,
): void {
  for (const e of list) {
    const answers = e.run(doc);
    for (let i = 0; i < expected.length; i++) {
      if (answers[i] !== expected[i]) {
        const row = list.map((x): [Tier, boolean] => [x.tier, x.run(doc)[i]!]);
        throw disagreement(conditions[i], options, doc, row, expected[i], note?.(i));
      }
    }
  }
}

/**
 * The last test of a file that uses this helper: every tier it checked ran at least once on
 * its own code (generated code above all), so no table silently compares closures with
 * closures again. `tiers` are those the file must reach (by default all but `hot`, which
 * only tables use).
 */
export function itRanEveryTier(tiers: readonly Tier[] = TIERS.filter((t) => t !== "hot")): void {
  it("ran every evaluator tier, generated code included", () => {
    console.log(
      `evaluations per tier: ${JSON.stringify(tierTally.ran)}; handed to closures: ${JSON.stringify(tierTally.fallbacks)}`,
    );
    for (const tier of tiers) expect(tierTally.ran[tier], `evaluations on the ${tier} tier`).toBeGreaterThan(0);
  });
}
