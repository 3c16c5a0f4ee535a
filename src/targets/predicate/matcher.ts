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
import { atClock, bindClock, Clocked } from "./clocked.js";
import { nextChange, planLeaves, type LeafPlan, type RelativeLeaf } from "./next-change.js";
import { asDocument, preparePath } from "../../runtime/path.js";
import { unlowered } from "../topics.js";

/**
 * The leaves of a bound tree that compare with a relative date (none sit inside an element
 * match), each with whether it sits under an odd number of negations.
 */
export function relativeLeaves(root: Node): RelativeLeaf[] {
  const out: RelativeLeaf[] = [];
  const walk = (n: Node, negated: boolean): void => {
    switch (n.kind) {
      case "leaf":
        if (n.value instanceof Clocked)
          out.push({ path: preparePath(n.field.path), test: n.test, cell: n.value, negated });
        return;
      case "topic":
        return unlowered(n);
      case "and":
      case "or":
        for (const c of n.children) walk(c, negated);
        return;
      case "not":
        return walk(n.child, !negated);
      default:
        return;
    }
  };
  walk(root, false);
  return out;
}

/** Calls on closures before code is generated. */
export const HOT_CALLS = 1_000;

/** What the predicate reads of the options: MongoDB's version, whether code may be generated, where topics are kept, and the clock. */
export type MatcherOptions = Pick<
  ResolvedOptions,
  "semantics" | "jitless" | "topicsPath" | "topicsLayout" | "zone" | "clock"
>;

/** A condition's predicate: at the clock's instant, and at any instant (epoch milliseconds). */
export interface Matcher {
  readonly matches: Predicate;
  readonly matchesAt: (doc: unknown, at: number) => boolean;
  /** The earliest instant after `at` at which the answer for this unchanged document changes, or null (see next-change.ts). */
  readonly nextChange: (doc: unknown, at: number) => number | null;
}

/**
 * The predicate of `root`; its closures are built at the first call (compiling a condition
 * that is never run costs nothing here: not even lowering its topic tests). Each tier has
 * its own call site, so that each site only ever sees one function and V8 can inline the
 * generated code into it. A `relative` condition (one with a relative date) reads the clock
 * at each call of `matches`, and sets its relative dates to the call's instant; any other
 * never reads it.
 */
export function toMatcher(root: Node, options: MatcherOptions, relative: boolean): Matcher {
  const { semantics: sem, jitless } = options;
  let calls = 0;
  let node: Node | undefined;
  let closures: Predicate | undefined;
  let generated: Predicate | undefined;
  let cells: readonly Clocked[] = [];
  const build = (): Predicate => {
    const lowered = optimize(lowerTopics(root, options));
    if (relative) ({ root: node, cells } = bindClock(lowered, options.zone));
    else node = lowered;
    return (closures = interpretMatcher(node, sem));
  };
  const cold = (doc: unknown): boolean => {
    if (closures === undefined) build();
    else if (!jitless && ++calls >= HOT_CALLS) {
      calls = -Infinity;
      generated = generateMatcher(node as Node, sem, closures);
      if (generated !== undefined) return generated(doc);
    }
    return (closures as Predicate)(doc);
  };
  const inner: Predicate = (doc) => (generated !== undefined ? generated(doc) : cold(doc));
  if (!relative) return { matches: inner, matchesAt: (doc) => inner(doc), nextChange: () => null };
  // With one relative date (the common case) the cell is set inline; with more, by atClock.
  let one: Clocked | undefined;
  let run: ((at: number, predicate: Predicate, doc: unknown) => boolean) | undefined;
  const slow = (doc: unknown, at: number): boolean => {
    if (run === undefined) {
      if (closures === undefined) build();
      run = atClock(cells);
      if (cells.length === 1) one = cells[0];
    }
    return run(at, inner, doc);
  };
  const matchesAt = (doc: unknown, at: number): boolean => {
    const cell = one;
    if (cell === undefined) return slow(doc, at);
    const saved = cell.value;
    cell.set(at);
    try {
      return generated !== undefined ? generated(doc) : cold(doc);
    } finally {
      cell.value = saved;
    }
  };
  const clock = options.clock;
  let plans: readonly LeafPlan[] | undefined;
  const nextChangeOf = (doc: unknown, at: number): number | null => {
    const d = asDocument(doc);
    if (d === undefined) return null; // no fields: nothing a relative date compares with
    if (closures === undefined) build();
    plans ??= planLeaves(relativeLeaves(node as Node));
    return nextChange(plans, d, at, matchesAt, doc);
  };
  return { matches: (doc) => matchesAt(doc, clock()), matchesAt, nextChange: nextChangeOf };
}
