/**
 * When an unchanged document's answer can next change as the clock moves: the earliest
 * instant after `at` at which a relative leaf's answer flips and the condition's answer
 * there is not the one at `at`. Null when no relative leaf's answer can flip again.
 *
 * A relative leaf compares a cell's value R with the values at its path. A range test on
 * whole milliseconds is `R <= k` (gt, gte) or `R >= k` (lt, lte) for an integer k per value,
 * and the leaf holds when some value's test does: `R <= K` for the greatest k, `R >= K` for
 * the least. So the leaf's answer is a function of R alone, and it flips only where R
 * crosses K. Within a piece of clock (time/date-math.ts) R moves with the clock or stands
 * still, so each crossing is one subtraction; pieces end where R may jump. The condition is
 * evaluated only at instants where some leaf's answer flips in a direction that can change
 * the condition's (and at `at`, when it first must be), so the result is exact: the same
 * answer at every instant strictly between `at` and the result, a different one at it.
 *
 * Values of other numeric types (a bigint, a Long, a Decimal128) compare approximately
 * here: their neighbours are candidates too, and while a leaf holds one, the condition is
 * evaluated at every candidate.
 */
import type { LeafTest } from "../../language/operators.js";
import {
  leastRoundedAtLeast,
  monotoneRounding,
  piece,
  reach,
  unrounded,
  type DateMath,
  type Piece,
} from "../../time/date-math.js";
import { dateTime } from "../../runtime/bson.js";
import { MAX_INSTANT } from "../../time/zone.js";
import { compareNumeric, mayBeOtherNumeric } from "../../runtime/numbers.js";
import { anyAtPath, field, type PreparedPath } from "../../runtime/path.js";
import type { Clocked } from "./clocked.js";

/** A leaf that compares a relative date with the values at a path. */
export interface RelativeLeaf {
  readonly path: PreparedPath;
  readonly test: LeafTest;
  readonly cell: Clocked;
  /** Whether the leaf sits under an odd number of negations: the condition's answer then falls as the leaf's rises. */
  readonly negated: boolean;
}

/** What the search needs of a relative leaf, worked out once per leaf. */
export interface LeafPlan {
  readonly path: PreparedPath;
  readonly test: LeafTest;
  readonly cell: Clocked;
  readonly negated: boolean;
  readonly epoch: boolean;
  /** Whether the leaf holds for R up to K (gt, gte), else from K on (lt, lte). */
  readonly below: boolean;
  /** The expression walked: the cell's own, or its steps alone when its rounding (`h m s`) is folded into the thresholds. */
  readonly walk: DateMath;
  readonly own: boolean;
  /** How far below the clock the walked value can be (time/date-math.ts `reach`). */
  readonly low: number;
}

export function planLeaves(leaves: readonly RelativeLeaf[]): LeafPlan[] {
  return leaves.map(({ path, test, cell, negated }) => {
    const { math } = cell.relative;
    const folded = math.round !== undefined && monotoneRounding(math.round);
    const walk = folded ? unrounded(math) : math;
    const below = test === "gt" || test === "gte";
    return { path, test, cell, negated, epoch: cell.epoch, below, walk, own: !folded, low: reach(walk).low };
  });
}

/** Candidate instants looked at before answering with the last one (sound, if not the first change). */
const MAX_EVENTS = 100_000;

/** The threshold k of one stored value (R <= k or R >= k), or NaN when the value does not compare. */
function thresholdOf(x: unknown, plan: LeafPlan): number {
  let v: number;
  if (!plan.epoch) {
    if (!(x instanceof Date)) return Number.NaN;
    v = dateTime(x);
  } else if (typeof x === "number") v = x;
  // Another numeric BSON type (a bigint, a Long, a Decimal128…), by its nearest double; anything else compares with no number.
  else if (mayBeOtherNumeric(x) && !Number.isNaN(compareNumeric(x, 0)))
    v = typeof x === "bigint" ? Number(x) : Number(String(x));
  else return Number.NaN;
  if (!Number.isFinite(v)) return Number.NaN;
  // R < v is R <= ceil(v) - 1; R <= v is R <= floor(v); R > v is R >= floor(v) + 1; R >= v is R >= ceil(v).
  const test = plan.test;
  return test === "gt"
    ? Math.ceil(v) - 1
    : test === "gte"
      ? Math.floor(v)
      : test === "lt"
        ? Math.floor(v) + 1
        : Math.ceil(v);
}

/** One leaf's state during a search. */
interface Live {
  readonly plan: LeafPlan;
  /** The one threshold of exact values, on the walked value (see {@link moveThreshold}). */
  K: number;
  /** Thresholds of approximate values (other numeric types), each with its neighbours; empty when all are exact. */
  readonly rough: number[];
  /** After this instant the leaf is settled: its walked value has passed every threshold for good. */
  last: number;
  piece: Piece | undefined;
  /** The leaf's answer at the current instant (exact values only). */
  holds: boolean;
  settled: boolean;
}

const NONE: number[] = [];

/** The leaf's thresholds on one document, or undefined when no value at its path compares. */
function liveLeaf(plan: LeafPlan, doc: Record<string, unknown>): Live | undefined {
  const { segments } = plan.path;
  if (segments.length === 1) {
    // A top-level field that is not an array (the common case): one value at most, read directly.
    const x = field(doc, segments[0]!);
    if (!Array.isArray(x)) {
      const k = thresholdOf(x, plan);
      if (Number.isNaN(k)) return undefined;
      if (typeof x === "number" || x instanceof Date) return liveOf(plan, k, NONE);
      return liveOf(plan, plan.below ? -Infinity : Infinity, [k - 1, k, k + 1]);
    }
  }
  let K = plan.below ? -Infinity : Infinity;
  let rough: number[] | undefined;
  anyAtPath(doc, plan.path, 0, (x) => {
    const k = thresholdOf(x, plan);
    if (Number.isNaN(k)) return false;
    if (typeof x === "number" || x instanceof Date) {
      if (plan.below ? k > K : k < K) K = k;
    } else (rough ??= []).push(k - 1, k, k + 1); // a candidate too many is checked and passed over
    return false;
  });
  return Number.isFinite(K) || rough !== undefined ? liveOf(plan, K, rough ?? NONE) : undefined;
}

/** A leaf's state from its thresholds: the exact values' one (K, infinite when none) and the approximate values' (each with its neighbours: a candidate too many is checked and passed over). */
function liveOf(plan: LeafPlan, K: number, rough: number[]): Live {
  if (!plan.own) {
    K = moveThreshold(plan, K);
    for (let i = 0; i < rough.length; i++) rough[i] = moveThreshold(plan, rough[i]!);
  }
  let max = Number.isFinite(K) ? K : -Infinity;
  for (const k of rough) if (k > max) max = k;
  return { plan, K, rough, last: max - plan.low + 1, piece: undefined, holds: false, settled: false };
}

/**
 * A threshold moved onto the unrounded value: rounding to `h m s` is non-decreasing, so
 * `round(X) <= k` is `X <= B - 1` and `round(X) >= k` is `X >= B'` for the least X whose
 * rounding reaches k + 1 (or k). Crossings are then found on the unrounded value, which
 * moves with the clock, instead of one rounding unit at a time.
 */
function moveThreshold(plan: LeafPlan, k: number): number {
  if (!Number.isFinite(k)) return k;
  const { cell, below } = plan;
  const unit = cell.relative.math.round!;
  return below
    ? leastRoundedAtLeast(unit, k + 1, cell.zone, cell.relative.up) - 1
    : leastRoundedAtLeast(unit, k, cell.zone, cell.relative.up);
}

/** The walked value's piece holding `t`, kept per leaf. */
function pieceOf(l: Live, t: number): Piece {
  const p = l.piece;
  if (p !== undefined && t >= p.from && t < p.until) return p;
  const { cell, walk, own } = l.plan;
  return (l.piece = own ? cell.pieceAt(t) : piece(walk, t, cell.zone, cell.relative.up));
}

/**
 * The earliest instant after `at`, and before `before`, at which `answerAt(subject, t)`
 * differs from its answer at `at`, for a condition whose relative leaves are `plans`; null when there is
 * none before `before` (Infinity: none ever).
 */
export function nextChange<S>(
  plans: readonly LeafPlan[],
  doc: Record<string, unknown>,
  at: number,
  answerAt: (subject: S, t: number) => boolean,
  subject: S,
  before = Infinity,
): number | null {
  let live: Live[] | undefined;
  for (const plan of plans) {
    const l = liveLeaf(plan, doc);
    if (l !== undefined) (live ??= []).push(l);
  }
  if (live === undefined) return null;
  let t = Math.floor(at);
  let rough = false;
  for (const l of live) {
    const p = pieceOf(l, t);
    const r = p.slope === 1 ? p.value + (t - p.from) : p.value;
    l.holds = l.plan.below ? r <= l.K : r >= l.K;
    if (l.rough.length > 0) rough = true;
  }
  // The answer at `at`, asked for only once some leaf flips.
  let answer: boolean | undefined;
  for (let n = 0; n < MAX_EVENTS; n++) {
    let next = Infinity;
    for (const l of live) {
      if (l.settled) continue;
      if (t > l.last) {
        l.settled = true;
        continue;
      }
      const p = pieceOf(l, t);
      let ahead = p.until;
      if (p.slope === 1) {
        const r = p.value + (t - p.from);
        // R rises with the clock: `R <= k` fails from R = k + 1, `R >= k` holds from R = k.
        const cross = l.plan.below ? (r <= l.K ? t + (l.K + 1 - r) : Infinity) : r < l.K ? t + (l.K - r) : Infinity;
        if (cross < ahead) ahead = cross;
        for (const k of l.rough) {
          const c = l.plan.below ? (r <= k ? t + (k + 1 - r) : Infinity) : r < k ? t + (k - r) : Infinity;
          if (c > t && c < ahead) ahead = c;
        }
      }
      if (ahead === Infinity) {
        // An endless piece with no crossing ahead: the leaf's answer stays as it is.
        l.settled = true;
        continue;
      }
      if (ahead > l.last + 1) ahead = l.last + 1;
      if (ahead < next) next = ahead;
    }
    // Past a Date's range the clock cannot be: no change there.
    if (next >= before || next > MAX_INSTANT) return null;
    t = next;
    // Which way the leaves that flip here push the answer: a leaf that rises (or, negated, falls) can only make it true.
    let up = rough;
    let down = rough;
    for (const l of live) {
      if (l.settled) continue; // its answer stays the one it had when it settled
      const p = pieceOf(l, t);
      const r = p.slope === 1 ? p.value + (t - p.from) : p.value;
      const holds = l.plan.below ? r <= l.K : r >= l.K;
      if (holds === l.holds) continue;
      l.holds = holds;
      if (holds !== l.plan.negated) up = true;
      else down = true;
    }
    if (!up && !down) continue;
    // The condition is a formula of and, or and not over its leaves: it cannot fall when none of its leaves pushes it down, nor rise when none pushes it up.
    answer ??= answerAt(subject, at);
    if (answer ? !down : !up) continue;
    if (answerAt(subject, t) !== answer) return t;
  }
  return t;
}
