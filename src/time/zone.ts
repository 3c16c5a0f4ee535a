/**
 * Time zones, from the platform's `Intl` (no time-zone data of our own): a zone's offset at
 * an instant, the instants at which it changes, and wall-clock times turned into instants as
 * Temporal's `disambiguation: "compatible"` does (a time in a gap moves forward by the gap's
 * length; a time in an overlap takes the earlier instant).
 *
 * `Intl` answers in about 10 µs, so each zone keeps the periods of constant offset it has
 * found (a memo of a pure function of the zone database, bounded; nothing observable is
 * kept): a period is found by probing every 6 hours and bisecting a change to the second,
 * so offset changes less than 6 hours apart, which no zone has had since 1945 or will have
 * by the tz database's rules, are not seen.
 *
 * Instants and wall-clock times are numbers of milliseconds: a wall-clock time is written
 * as the instant at which a UTC clock shows it (`wall = t + offset(t)`).
 */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** The range of a JavaScript Date. */
export const MAX_INSTANT = 8.64e15;

/** How far a period is looked for on each side of an instant; a period is extended further when asked. */
const SEARCH = 400 * DAY;
const PROBE = 6 * HOUR;
/** Periods kept per zone, and zones kept: beyond them the oldest are dropped (they are found again when needed). */
const MAX_PERIODS = 4_096;
const MAX_ZONES = 64;

export interface Zone {
  /** The zone's canonical name (`"UTC"`, `"Europe/Amsterdam"`). */
  readonly name: string;
  /** Milliseconds to add to the instant `t` for the zone's wall clock. */
  offset(t: number): number;
  /**
   * The first instant after `t` at which the offset may change: a change, or the end of
   * what has been looked at (so a caller treating it as a change stays right). Infinity for
   * a zone with one offset.
   */
  nextTransition(t: number): number;
  /** The instant at which the wall clock shows `wall`, as Temporal's `disambiguation: "compatible"` resolves it. */
  instant(wall: number): number;
  /** The first instant at which the wall clock shows `wall` or later: as `instant`, but in a gap its start (Temporal's `startOfDay`). */
  firstInstant(wall: number): number;
}

/** A period of constant offset: [start, end). */
interface Period {
  start: number;
  end: number;
  readonly offset: number;
}

const UTC_ZONE: Zone = Object.freeze({
  name: "UTC",
  offset: () => 0,
  nextTransition: () => Infinity,
  instant: (wall: number) => wall,
  firstInstant: (wall: number) => wall,
});

class IntlZone implements Zone {
  readonly #format: Intl.DateTimeFormat;
  /** Sorted, disjoint. */
  #periods: Period[] = [];

  constructor(
    readonly name: string,
    format: Intl.DateTimeFormat,
  ) {
    this.#format = format;
  }

  offset(t: number): number {
    return this.#period(t).offset;
  }

  nextTransition(t: number): number {
    const end = this.#period(t).end;
    return end >= MAX_INSTANT ? Infinity : end;
  }

  instant(wall: number): number {
    return this.#resolve(wall, false);
  }

  firstInstant(wall: number): number {
    return this.#resolve(wall, true);
  }

  #resolve(wall: number, first: boolean): number {
    // The offsets a day either side are the ones around any transition near `wall` (no gap or overlap is longer than a day).
    const before = this.offset(wall - DAY);
    const after = this.offset(wall + DAY);
    const early = wall - before;
    if (this.offset(early) === before) return early; // the earlier instant of an overlap, or the only one
    const late = wall - after;
    if (this.offset(late) === after) return late;
    // In a gap. Compatible: with the offset before it, the wall clock is past the gap by as much as `wall` is in it.
    if (!first) return early;
    // The first instant at or after `wall`: the transition itself, between `late` and `early`.
    let t = this.nextTransition(late);
    while (t < early && this.offset(t) === this.offset(late)) t = this.nextTransition(t);
    return t;
  }

  /** The wall clock's offset at `t`, from Intl, to the second. */
  #read(t: number): number {
    const at = Math.floor(Math.min(MAX_INSTANT, Math.max(-MAX_INSTANT, t)) / SECOND) * SECOND;
    const parts = this.#format.formatToParts(at);
    let year = 0;
    let month = 0;
    let day = 0;
    let hour = 0;
    let minute = 0;
    let second = 0;
    let bc = false;
    for (const part of parts) {
      switch (part.type) {
        case "year":
          year = Number(part.value);
          break;
        case "month":
          month = Number(part.value);
          break;
        case "day":
          day = Number(part.value);
          break;
        case "hour":
          hour = Number(part.value);
          break;
        case "minute":
          minute = Number(part.value);
          break;
        case "second":
          second = Number(part.value);
          break;
        case "era":
          bc = part.value === "BC" || part.value === "B";
          break;
        default:
          break;
      }
    }
    const wall = new Date(0);
    wall.setUTCFullYear(bc ? 1 - year : year, month - 1, day);
    wall.setUTCHours(hour, minute, second, 0);
    return wall.getTime() - at;
  }

  /** The period holding `t`: a kept one, or one found now. */
  #period(t: number): Period {
    const periods = this.#periods;
    let lo = 0;
    let hi = periods.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const p = periods[mid]!;
      if (t < p.start) hi = mid - 1;
      else if (t >= p.end) lo = mid + 1;
      else return p;
    }
    return this.#find(t, lo);
  }

  /** Finds the period of `t` (to be inserted at `index`), merging it with a kept neighbour of the same offset. */
  #find(t: number, index: number): Period {
    const offset = this.#read(t);
    const prev = this.#periods[index - 1];
    const next = this.#periods[index];
    const floor = Math.max(-MAX_INSTANT, prev ? prev.end : -Infinity, t - SEARCH);
    const ceiling = Math.min(MAX_INSTANT, next ? next.start : Infinity, t + SEARCH);
    const end = this.#edge(t, ceiling, offset, PROBE);
    const start = this.#edge(t, floor, offset, -PROBE);
    const period: Period = { start, end, offset };
    if (prev && prev.end === start && prev.offset === offset) {
      prev.end = end;
      if (next && next.start === end && next.offset === offset) {
        prev.end = next.end;
        this.#periods.splice(index, 1);
      }
      return prev;
    }
    if (next && next.start === end && next.offset === offset) {
      next.start = start;
      return next;
    }
    if (this.#periods.length >= MAX_PERIODS) {
      this.#periods = [];
      index = 0;
    }
    this.#periods.splice(index, 0, period);
    return period;
  }

  /**
   * From `t` (whose offset is `offset`) towards `limit`, in whole seconds (offsets change on
   * them): forward, the first second with another offset; backward, the first second of the
   * run of `offset` that holds `t`; or `limit` when the offset holds all the way.
   */
  #edge(t: number, limit: number, offset: number, step: number): number {
    const forward = step > 0;
    const last = forward ? Math.ceil(limit / SECOND) : Math.floor(limit / SECOND);
    let inside = Math.floor(t / SECOND);
    const stride = step / SECOND;
    for (;;) {
      const probe = forward ? Math.min(inside + stride, last) : Math.max(inside + stride, last);
      if (probe === inside) return limit;
      if (this.#read(probe * SECOND) !== offset) {
        // Bisect between `inside` (this offset) and `probe` (another), to adjacent seconds.
        let a = inside;
        let b = probe;
        while (Math.abs(b - a) > 1) {
          const mid = Math.floor((a + b) / 2);
          if (this.#read(mid * SECOND) === offset) a = mid;
          else b = mid;
        }
        return (forward ? b : a) * SECOND;
      }
      if (probe === last) return limit;
      inside = probe;
    }
  }
}

const ZONES = new Map<string, Zone>();

/**
 * The zone named `name` (an IANA name, any case; `"UTC"` and its aliases are UTC), or
 * undefined when the platform's Intl does not know it.
 */
export function zone(name: string): Zone | undefined {
  const known = ZONES.get(name);
  if (known) return known;
  // The longest IANA name has 32 characters: a longer one is refused before ICU reads it.
  if (name.length > 64) return undefined;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: name,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  } catch {
    return undefined;
  }
  const canonical = format.resolvedOptions().timeZone;
  const found =
    canonical === "UTC" || canonical === "Etc/UTC" || canonical === "Etc/GMT"
      ? UTC_ZONE
      : (ZONES.get(canonical) ?? new IntlZone(canonical, format));
  if (ZONES.size >= MAX_ZONES) ZONES.clear();
  ZONES.set(name, found);
  ZONES.set(canonical, found);
  return found;
}

export const UTC: Zone = UTC_ZONE;
