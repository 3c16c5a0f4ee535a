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
import { nextChange, type RelativeLeaf } from "./next-change.js";
import { fold } from "../../language/ast.js";
import { preparePath } from "../../runtime/path.js";
import { unlowered } from "../topics.js";

/** The leaves of a bound tree that compare with a relative date (none sit inside an element match). */
export function relativeLeaves(root: Node): RelativeLeaf[] {
  const out: RelativeLeaf[] = [];
  const nothing = () => undefined;
  fold<void>(root, {
    leaf: (n) => {
      if (n.value instanceof Clocked) out.push({ path: preparePath(n.field.path), test: n.test, cell: n.value });
    },
    topic: unlowered,
    elemMatch: nothing,
    and: nothing,
    or: nothing,
    not: nothing,
  });
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
  let run: ((at: number, predicate: Predicate, doc: unknown) => boolean) | undefined;
  const matchesAt = (doc: unknown, at: number): boolean => {
    if (run === undefined) {
      if (closures === undefined) build();
      run = atClock(cells);
    }
    return run(at, inner, doc);
  };
  const clock = options.clock;
  let leaves: readonly RelativeLeaf[] | undefined;
  const nextChangeOf = (doc: unknown, at: number): number | null => {
    if (closures === undefined) build();
    leaves ??= relativeLeaves(node as Node);
    return nextChange(
      leaves,
      doc,
      at,
      (t) => matchesAt(doc, t),
      (a, b) => a === b,
    );
  };
  // At the clock: with one relative date (the common case), the cell is set inline, one call fewer per document.
  let fast: Predicate | undefined;
  const first = (doc: unknown): boolean => {
    if (closures === undefined) build();
    if (cells.length === 1) {
      const cell = cells[0]!;
      fast = (d) => {
        const saved = cell.value;
        cell.set(clock());
        try {
          return inner(d);
        } finally {
          cell.value = saved;
        }
      };
    } else fast = (d) => matchesAt(d, clock());
    return fast(doc);
  };
  return { matches: (doc) => (fast !== undefined ? fast(doc) : first(doc)), matchesAt, nextChange: nextChangeOf };
}
