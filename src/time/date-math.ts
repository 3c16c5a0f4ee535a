/**
 * Date math, as Elasticsearch writes it: `now`, then any number of `+N<unit>` / `-N<unit>`,
 * then at most one rounding `/<unit>`; units `y M w d h m s` (`M` months, `m` minutes).
 *
 * Resolved at an instant in a time zone: `y M w d` are calendar steps on the zone's wall
 * clock (a day across a DST change is 23 or 25 hours; a month from 31 March is the last day
 * of February), `h m s` exact durations; steps apply left to right, as Temporal's
 * `ZonedDateTime.add` with `overflow: "constrain"` and `disambiguation: "compatible"`.
 * Rounding down is the first millisecond of the unit in the zone (weeks start on Monday; a
 * day that starts in a gap starts at its end, as Temporal's `startOfDay`), rounding up its
 * last; `h m s` round on the instant's own offset where it holds (Temporal's `round`).
 *
 * A resolved value is a step function of the clock: it moves with the clock, stands still,
 * or jumps (month ends, rounding, DST). {@link piece} gives the stretch of clock around an
 * instant over which it moves in one way, so that a predicate resolves it once per stretch
 * and a scheduler knows exactly when an answer can change.
 */
import { DAY, HOUR, MAX_INSTANT, MINUTE, SECOND, UTC, type Zone } from "./zone.js";

export const UNITS = ["y", "M", "w", "d", "h", "m", "s"] as const;
export type Unit = (typeof UNITS)[number];

export interface Step {
  /** Signed: `now-30d` is `{ amount: -30, unit: "d" }`. */
  readonly amount: number;
  readonly unit: Unit;
}

/** A parsed date-math expression. */
export interface DateMath {
  readonly steps: readonly Step[];
  /** The rounding unit, if any. */
  readonly round: Unit | undefined;
}

/** How far one expression may move from `now`: 10,000 years, so that every instant it resolves to is a Date. */
export const MAX_SHIFT_YEARS = 10_000;
export const MAX_STEPS = 32;
const NOMINAL: { readonly [U in Unit]: number } = {
  y: 365.25 * DAY,
  M: 30.4375 * DAY,
  w: 7 * DAY,
  d: DAY,
  h: HOUR,
  m: MINUTE,
  s: SECOND,
};
/** The longest a unit can be anywhere (a day skipped by a date-line change makes a day step 48 hours, a DST change adds an hour). */
const LONGEST: { readonly [U in Unit]: number } = {
  y: 368 * DAY,
  M: 33 * DAY,
  w: 9 * DAY,
  d: 2 * DAY,
  h: HOUR,
  m: MINUTE,
  s: SECOND,
};
const EXACT: { readonly [U in Unit]?: number } = { h: HOUR, m: MINUTE, s: SECOND };

const TOKEN = /([+-])(\d{1,9})([yMwdhms])/y;

/** Why a text that starts with `now` is not date math: its syntax, too many steps, or too far from now. */
export type DateMathProblem = "syntax" | "steps" | "range";

/**
 * The expression `text` writes, or why it is not one (messages.ts words it); undefined when
 * `text` does not start with `now` (it is not meant as date math at all).
 */
export function parseDateMath(text: string): DateMath | { readonly problem: DateMathProblem } | undefined {
  if (!text.startsWith("now")) return undefined;
  const steps: Step[] = [];
  let at = 3;
  let shift = 0;
  TOKEN.lastIndex = at;
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const unit = m[3] as Unit;
    const amount = Number(m[2]) * (m[1] === "-" ? -1 : 1);
    steps.push(Object.freeze({ amount, unit }));
    shift += Math.abs(amount) * NOMINAL[unit];
    at = TOKEN.lastIndex;
  }
  let round: Unit | undefined;
  if (text[at] === "/" && at + 2 === text.length && (UNITS as readonly string[]).includes(text[at + 1]!)) {
    round = text[at + 1] as Unit;
    at = text.length;
  }
  if (at !== text.length) return { problem: "syntax" };
  if (steps.length > MAX_STEPS) return { problem: "steps" };
  if (shift > MAX_SHIFT_YEARS * NOMINAL.y) return { problem: "range" };
  return Object.freeze({ steps: Object.freeze(steps), round });
}

// ---- wall-clock arithmetic (a wall-clock time is the instant at which a UTC clock shows it)

const floorTo = (x: number, unit: number): number => Math.floor(x / unit) * unit;

/** The wall-clock time `months` months from `wall`, its day constrained to the month's length. */
function addMonths(wall: number, months: number): number {
  const d = new Date(wall);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + months;
  const target = new Date(0);
  target.setUTCFullYear(year, month, 1);
  const length = daysInMonth(target.getUTCFullYear(), target.getUTCMonth());
  target.setUTCDate(Math.min(d.getUTCDate(), length));
  return target.getTime() + (wall - floorTo(wall, DAY));
}

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month + 1, 0);
  return d.getUTCDate();
}

/** The first wall-clock instant of `unit` holding `wall` (days and longer; weeks from Monday). */
function wallStart(wall: number, unit: "y" | "M" | "w" | "d"): number {
  const day = floorTo(wall, DAY);
  const d = new Date(day);
  switch (unit) {
    case "d":
      return day;
    case "w":
      return day - ((d.getUTCDay() + 6) % 7) * DAY;
    case "M":
      d.setUTCDate(1);
      return d.getTime();
    case "y":
      d.setUTCMonth(0, 1);
      return d.getTime();
  }
}

/** The first wall-clock instant of the unit after the one starting at `start`. */
function wallNext(start: number, unit: "y" | "M" | "w" | "d"): number {
  switch (unit) {
    case "d":
      return start + DAY;
    case "w":
      return start + 7 * DAY;
    case "M":
      return addMonths(start, 1);
    case "y":
      return addMonths(start, 12);
  }
}

/** A calendar step (`y M w d`) on a wall-clock time. */
function moveWall(wall: number, s: Step): number {
  switch (s.unit) {
    case "d":
      return wall + s.amount * DAY;
    case "w":
      return wall + s.amount * 7 * DAY;
    case "M":
      return addMonths(wall, s.amount);
    default:
      return addMonths(wall, 12 * s.amount);
  }
}

/** One step from the instant `x`. */
function step(x: number, s: Step, zone: Zone): number {
  // No step at all, as Temporal adds a duration with no date part: an instant in an overlap stays where it is.
  if (s.amount === 0) return x;
  const exact = EXACT[s.unit];
  return exact !== undefined ? x + s.amount * exact : zone.instant(moveWall(x + zone.offset(x), s));
}

/** The first instant of the unit holding `x`, and the first instant of the next one. */
function unitAround(x: number, unit: Unit, zone: Zone): { readonly start: number; readonly next: number } {
  const exact = EXACT[unit];
  const offset = zone.offset(x);
  if (exact !== undefined) {
    // Temporal's round: the wall clock rounded, on the instant's own offset where that offset holds there.
    const wall = floorTo(x + offset, exact);
    const own = wall - offset;
    const start = zone.offset(own) === offset ? own : zone.instant(wall);
    return { start, next: start + exact };
  }
  const wall = wallStart(x + offset, unit as "y" | "M" | "w" | "d");
  return { start: zone.firstInstant(wall), next: zone.firstInstant(wallNext(wall, unit as "y" | "M" | "w" | "d")) };
}

const clamp = (x: number): number => Math.min(MAX_INSTANT, Math.max(-MAX_INSTANT, x));
/** A clock instant far enough inside a Date's range for any expression's arithmetic (10,001 years from either end). */
const SAFE = MAX_INSTANT - 10_001 * 366 * DAY;
const safe = (now: number): number => Math.min(SAFE, Math.max(-SAFE, now));

/**
 * The instant `math` names at the clock instant `now` in `zone`: rounded down (`up` false:
 * the first millisecond of the rounding unit) or up (its last millisecond). Kept within the
 * range of a Date.
 */
export function resolve(math: DateMath, now: number, zone: Zone, up: boolean): number {
  let x = safe(now);
  for (const s of math.steps) x = clamp(step(x, s, zone));
  if (math.round === undefined) return x;
  const { start, next } = unitAround(x, math.round, zone);
  return clamp(up ? next - 1 : start);
}

/** Rounding alone, applied to the instant `x` (what `resolve` does after the steps). */
export function rounded(unit: Unit, x: number, zone: Zone, up: boolean): number {
  const { start, next } = unitAround(x, unit, zone);
  return clamp(up ? next - 1 : start);
}

/** Whether rounding to `unit` is a non-decreasing function of the instant: true for `h m s` (on an instant's own offset); a day, week, month or year can start again after a DST change at midnight. */
export const monotoneRounding = (unit: Unit): boolean => EXACT[unit] !== undefined;

/** The unrounded steps of an expression. */
export const unrounded = (math: DateMath): DateMath =>
  math.round === undefined ? math : { steps: math.steps, round: undefined };

/**
 * The least instant x with `rounded(unit, x) >= y`, for a unit whose rounding is monotone
 * (`h m s`): searched within two units of `y`, where it always lies.
 */
export function leastRoundedAtLeast(unit: Unit, y: number, zone: Zone, up: boolean): number {
  const u = EXACT[unit]!;
  let lo = y - 2 * u; // rounded(lo) < y: a rounded value lies within a unit of its instant
  let hi = y + 2 * u; // rounded(hi) >= y
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (rounded(unit, mid, zone, up) >= y) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** A stretch of clock `[from, until)` over which a resolved value moves one way. */
export interface Piece {
  readonly from: number;
  readonly until: number;
  /** The value at `from`. */
  readonly value: number;
  /** 1: the value moves with the clock (`value + (t - from)`); 0: it stands still. */
  readonly slope: 0 | 1;
}

/** The resolved value within a piece, at `t` (from ≤ t < until). */
export const valueIn = (p: Piece, t: number): number => (p.slope === 1 ? p.value + (t - p.from) : p.value);

/**
 * The piece of clock starting at `now` over which `math` resolves as `now` does, moving
 * with the clock or standing still: it ends no later than the first instant at which a
 * step's arithmetic, a zone's offset, or the rounding unit could change. An end may come
 * earlier than a change (a piece after it then continues the same way); it never comes
 * later, which is what a scheduler and a cached resolution rely on.
 */
export function piece(math: DateMath, now: number, zone: Zone, up: boolean): Piece {
  let x = safe(now);
  // A clock at the very ends of a Date's range, where `resolve` holds it at ±SAFE: the value stands still until the clock comes back inside.
  if (x !== now) return { from: now, until: now > 0 ? Infinity : -SAFE, value: resolve(math, now, zone, up), slope: 0 };
  let until = Infinity;
  // Every bound is an instant at which `x`, moving in step with the clock, reaches a change: found as `x`'s distance to it, from `now`.
  const bound = (distance: number) => {
    if (distance > 0 && now + distance < until) until = now + distance;
  };
  // Past SAFE, `resolve` stops the clock there (see safe): the piece ends where that starts.
  bound(SAFE + 1 - now);
  for (const s of math.steps) {
    if (EXACT[s.unit] !== undefined || s.amount === 0) {
      x = clamp(step(x, s, zone));
      continue;
    }
    bound(zone.nextTransition(x) - x);
    const wall = x + zone.offset(x);
    if (s.unit === "M" || s.unit === "y") {
      // Constraining the day changes only from the 29th of a month on: bound at the midnight that starts the 29th, or the next one.
      const day = new Date(wall).getUTCDate();
      const midnight = floorTo(wall, DAY);
      bound((day < 29 ? midnight + (29 - day) * DAY : midnight + DAY) - wall);
    }
    const moved = moveWall(wall, s);
    wallBounds(moved, zone, bound);
    x = clamp(zone.instant(moved));
  }
  if (math.round === undefined) return { from: now, until: Math.max(until, now + 1), value: x, slope: 1 };
  // The unit's first and last instants are fixed while the wall clock stays in one unit (and on one offset).
  bound(zone.nextTransition(x) - x);
  const wall = x + zone.offset(x);
  const exact = EXACT[math.round];
  bound(
    exact !== undefined
      ? floorTo(wall, exact) + exact - wall
      : wallNext(wallStart(wall, math.round as "y" | "M" | "w" | "d"), math.round as "y" | "M" | "w" | "d") - wall,
  );
  const { start, next } = unitAround(x, math.round, zone);
  return { from: now, until: Math.max(until, now + 1), value: clamp(up ? next - 1 : start), slope: 0 };
}

/**
 * Bounds for a step that turns a wall-clock time back into an instant: the resolution
 * changes branch where the wall-clock time enters or leaves a gap or an overlap, which for
 * a transition at T are the wall-clock times T + the offset before it and T + the offset
 * after it. Looked for two days around; beyond that, a bound a day ahead (a piece may end
 * early, never late).
 */
function wallBounds(wall: number, zone: Zone, bound: (distance: number) => void): void {
  if (zone === UTC) return; // one offset: no gaps, no overlaps
  for (let t = zone.nextTransition(wall - 2 * DAY); t <= wall + 2 * DAY; t = zone.nextTransition(t)) {
    for (const edge of [t + zone.offset(t - 1), t + zone.offset(t)]) if (edge > wall) bound(edge - wall);
  }
  bound(DAY);
}

/**
 * How far a resolved value can be from the clock: for every instant, `resolve` lies within
 * `[now + low, now + high]`. A scheduler uses it to know when a value has passed a
 * document's values for good.
 */
export function reach(math: DateMath): { readonly low: number; readonly high: number } {
  let low = 0;
  let high = 0;
  for (const s of math.steps) {
    const far = Math.abs(s.amount) * LONGEST[s.unit];
    if (s.amount < 0) low -= far;
    else high += far;
  }
  if (math.round !== undefined) {
    low -= LONGEST[math.round];
    high += LONGEST[math.round];
  }
  return { low: low - DAY, high: high + DAY };
}
