/**
 * When an unchanged document's answer can next change as the clock moves: the earliest
 * instant after `at` at which some relative date crosses one of the document's values, or
 * jumps (a month end, a rounding unit, a DST change), and the answer there is not the answer
 * at `at`. Null when no relative date can cross a value of the document again.
 *
 * Each relative leaf compares a cell's value R with the values at its path; a range test
 * on whole milliseconds is `R <= k` (gt, gte) or `R >= k` (lt, lte) for an integer k, which
 * holds or fails until R crosses k. Within a piece of clock (time/date-math.ts) R moves with
 * the clock or stands still, so each crossing is one subtraction; pieces end where R may
 * jump. Every candidate instant is checked by evaluating the condition there, so the answer
 * is exact: the same at every instant strictly between `at` and the result, different at it.
 */
import type { LeafTest } from "../../language/operators.js";
import {
  leastRoundedAtLeast,
  monotoneRounding,
  piece,
  reach,
  unrounded,
  valueIn,
  type DateMath,
} from "../../time/date-math.js";
import { dateTime } from "../../runtime/bson.js";
import { mayBeOtherNumeric } from "../../runtime/numbers.js";
import { anyAtPath, asDocument, type PreparedPath } from "../../runtime/path.js";
import type { Clocked } from "./clocked.js";

/** A leaf that compares a relative date with the values at a path. */
export interface RelativeLeaf {
  readonly path: PreparedPath;
  readonly test: LeafTest;
  readonly cell: Clocked;
}

/** Candidate instants looked at before answering with the last one (sound, if not the first change). */
const MAX_EVENTS = 100_000;

/** The number a stored value compares as (a Date by its time, epoch milliseconds as a number), or undefined when it does not compare. */
function comparable(x: unknown, epoch: boolean): number | undefined {
  if (!epoch) return x instanceof Date ? dateTime(x) : undefined;
  if (typeof x === "number") return Number.isNaN(x) ? undefined : x;
  if (!mayBeOtherNumeric(x)) return undefined;
  const n = typeof x === "bigint" ? Number(x) : Number(String(x));
  return Number.isNaN(n) ? undefined : n;
}

/** For one leaf on one document: the thresholds k, and whether the test is `R <= k` (true) or `R >= k`. */
function thresholds(
  leaf: RelativeLeaf,
  doc: Record<string, unknown>,
): { readonly below: boolean; readonly ks: number[] } {
  const below = leaf.test === "gt" || leaf.test === "gte";
  const ks: number[] = [];
  anyAtPath(doc, leaf.path, 0, (x) => {
    const v = comparable(x, leaf.cell.epoch);
    if (v === undefined || !Number.isFinite(v)) return false;
    // R < v is R <= ceil(v) - 1; R <= v is R <= floor(v); R > v is R >= floor(v) + 1; R >= v is R >= ceil(v).
    const k =
      leaf.test === "gt"
        ? Math.ceil(v) - 1
        : leaf.test === "gte"
          ? Math.floor(v)
          : leaf.test === "lt"
            ? Math.floor(v) + 1
            : Math.ceil(v);
    // An approximate value of another numeric type: its neighbours too (a candidate too many is checked and passed over).
    ks.push(k);
    if (typeof x !== "number" && !(x instanceof Date)) ks.push(k - 1, k + 1);
    return false;
  });
  return { below, ks };
}

/**
 * A leaf's thresholds on the value it walks: rounding to `h m s` is a non-decreasing
 * function, so `round(X) <= k` is `X <= B - 1` and `round(X) >= k` is `X >= B'` for the
 * least X whose rounding reaches k + 1 (or k): the crossings are then found on the
 * unrounded value, which moves with the clock, instead of one rounding unit at a time.
 * Other roundings (days and longer) are walked unit by unit.
 */
function inUnrounded(
  leaf: RelativeLeaf,
  { below, ks }: { readonly below: boolean; readonly ks: number[] },
): { readonly leaf: RelativeLeaf; readonly math: DateMath; readonly below: boolean; readonly ks: number[] } {
  const { math, up } = leaf.cell.relative;
  if (math.round === undefined || !monotoneRounding(math.round)) return { leaf, math, below, ks };
  const unit = math.round;
  const zone = leaf.cell.zone;
  const moved = ks.map((k) =>
    below ? leastRoundedAtLeast(unit, k + 1, zone, up) - 1 : leastRoundedAtLeast(unit, k, zone, up),
  );
  return { leaf, math: unrounded(math), below, ks: moved };
}

/**
 * The earliest instant after `at` at which `answerAt` differs from its answer at `at`, for a
 * condition whose relative leaves are `leaves`; null when it never will.
 */
export function nextChange<A>(
  leaves: readonly RelativeLeaf[],
  value: unknown,
  at: number,
  answerAt: (t: number) => A,
  same: (a: A, b: A) => boolean,
): number | null {
  const doc = asDocument(value);
  if (doc === undefined) return null; // no fields: nothing a relative date compares with
  const live: { leaf: RelativeLeaf; math: DateMath; below: boolean; ks: number[]; last: number }[] = [];
  for (const leaf of leaves) {
    const found = thresholds(leaf, doc);
    if (found.ks.length === 0) continue;
    const l = inUnrounded(leaf, found);
    let max = -Infinity;
    for (const k of l.ks) if (k > max) max = k;
    live.push({ ...l, last: max - lowOf(l.math) + 1 });
  }
  if (live.length === 0) return null;
  const answer = answerAt(at);
  let t = Math.floor(at);
  for (let n = 0; n < MAX_EVENTS; n++) {
    let next = Infinity;
    for (const l of live) {
      // Past `last`, R stays above every threshold of this leaf: its tests are settled for good.
      if (t > l.last) continue;
      const cell = l.leaf.cell;
      const p = l.math === cell.relative.math ? cell.pieceAt(t) : piece(l.math, t, cell.zone, cell.relative.up);
      if (p.until < next) next = p.until;
      if (p.slope === 0) continue;
      const r = valueIn(p, t);
      for (const k of l.ks) {
        // R rises with the clock: `R <= k` fails from R = k + 1, `R >= k` holds from R = k.
        const cross = l.below ? (r <= k ? t + (k + 1 - r) : Infinity) : r < k ? t + (k - r) : Infinity;
        if (cross > t && cross < next) next = cross;
      }
      if (next > l.last + 1) next = l.last + 1;
    }
    if (next === Infinity) return null;
    t = next;
    if (!same(answerAt(t), answer)) return t;
  }
  return t;
}

/** How far below the clock an expression can resolve (time/date-math.ts `reach`), once per expression. */
const LOW = new WeakMap<DateMath, number>();
function lowOf(math: DateMath): number {
  let low = LOW.get(math);
  if (low === undefined) LOW.set(math, (low = reach(math).low));
  return low;
}
