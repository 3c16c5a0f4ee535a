/**
 * The time core (src/time/): date math resolved at an instant in a time zone, against
 * Temporal (temporal-polyfill, the reference: `ZonedDateTime.add` with `overflow:
 * "constrain"`, `startOfDay`, `round`), and the pieces of clock over which a resolved value
 * moves one way, against resolving at every sampled instant. Instants are drawn near the
 * hard places: DST changes in zones with whole-hour, half-hour and midnight changes, a
 * skipped day, month ends, leap days and year ends.
 */
import fc from "fast-check";
import { Temporal } from "temporal-polyfill";
import { describe, expect, it } from "vitest";
import { parseDateMath, piece, reach, resolve, valueIn, type DateMath, type Unit } from "../src/time/date-math.js";
import { DAY, HOUR, zone } from "../src/time/zone.js";
import { runs } from "./fc-setup.js";
import { dateMathArb } from "./arbitraries.js";

const ZONES = [
  "UTC",
  "Europe/Amsterdam",
  "America/New_York",
  "Australia/Lord_Howe", // half-hour DST
  "America/Santiago", // DST at midnight
  "Asia/Kolkata",
  "Asia/Kathmandu",
  "America/St_Johns",
  "Pacific/Apia", // skipped 30 December 2011
  "Africa/Casablanca",
] as const;

const NAMES: { readonly [U in Unit]: "years" | "months" | "weeks" | "days" | "hours" | "minutes" | "seconds" } = {
  y: "years",
  M: "months",
  w: "weeks",
  d: "days",
  h: "hours",
  m: "minutes",
  s: "seconds",
};

/** What Temporal resolves `math` to at `now` in `tz`. */
function reference(math: DateMath, now: number, tz: string, up: boolean): number {
  let z = Temporal.Instant.fromEpochMilliseconds(now).toZonedDateTimeISO(tz);
  for (const s of math.steps) z = z.add({ [NAMES[s.unit]]: s.amount }, { overflow: "constrain" });
  const unit = math.round;
  if (unit === undefined) return z.epochMilliseconds;
  let start: Temporal.ZonedDateTime;
  let next: Temporal.ZonedDateTime;
  if (unit === "h" || unit === "m" || unit === "s") {
    const smallestUnit = unit === "h" ? "hour" : unit === "m" ? "minute" : "second";
    start = z.round({ smallestUnit, roundingMode: "floor" });
    next = start.add({ [NAMES[unit]]: 1 });
  } else {
    const date = z.toPlainDate();
    const first =
      unit === "d"
        ? date
        : unit === "w"
          ? date.subtract({ days: z.dayOfWeek - 1 })
          : unit === "M"
            ? date.with({ day: 1 })
            : date.with({ month: 1, day: 1 });
    start = first.toZonedDateTime(tz);
    next = first.add({ [NAMES[unit]]: 1 }).toZonedDateTime(tz);
  }
  return up ? next.epochMilliseconds - 1 : start.epochMilliseconds;
}

/** Transitions of each zone between 1990 and 2040, from Temporal, to draw instants near them. */
const TRANSITIONS = new Map<string, number[]>();
function transitionsOf(tz: string): number[] {
  let known = TRANSITIONS.get(tz);
  if (known) return known;
  known = [];
  let z: Temporal.ZonedDateTime | null = Temporal.Instant.fromEpochMilliseconds(
    Date.UTC(1990, 0, 1),
  ).toZonedDateTimeISO(tz);
  while (z !== null && z.epochMilliseconds < Date.UTC(2040, 0, 1) && known.length < 200) {
    z = z.getTimeZoneTransition("next");
    if (z) known.push(z.epochMilliseconds);
  }
  TRANSITIONS.set(tz, known);
  return known;
}

const zoneArb = fc.constantFrom(...ZONES);
/** An instant in `tz` near a hard place: a transition, a month end, a leap day, a year end; or anywhere from 1900 to 2100. */
const instantArb = (tz: string): fc.Arbitrary<number> => {
  const near = transitionsOf(tz);
  const hard = [
    Date.UTC(2024, 1, 29, 12),
    Date.UTC(2024, 2, 31, 23, 30),
    Date.UTC(2023, 11, 31, 23, 59, 59, 999),
    Date.UTC(2025, 0, 31, 10),
    Date.UTC(2011, 11, 29, 10), // Apia's skipped day
    ...near,
  ];
  return fc.oneof(
    fc.tuple(fc.constantFrom(...hard), fc.integer({ min: -3 * DAY, max: 3 * DAY })).map(([t, d]) => t + d),
    fc.tuple(fc.constantFrom(...hard), fc.integer({ min: -3 * HOUR, max: 3 * HOUR })).map(([t, d]) => t + d),
    fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2100, 0, 1) }),
  );
};
const mathArb: fc.Arbitrary<string> = dateMathArb(40, 3);

const parsed = (text: string): DateMath => {
  const math = parseDateMath(text);
  if (math === undefined || "problem" in math) throw new Error(`not date math: ${text}`);
  return math;
};

describe("date math syntax", () => {
  it.each([
    ["now", [], undefined],
    ["now-30d", [{ amount: -30, unit: "d" }], undefined],
    ["now-1M/M", [{ amount: -1, unit: "M" }], "M"],
    ["now/d", [], "d"],
    ["now+1w/w", [{ amount: 1, unit: "w" }], "w"],
    [
      "now-1y+2h-3m+4s",
      [
        { amount: -1, unit: "y" },
        { amount: 2, unit: "h" },
        { amount: -3, unit: "m" },
        { amount: 4, unit: "s" },
      ],
      undefined,
    ],
  ])("%s", (text, steps, round) => {
    expect(parseDateMath(text)).toEqual({ steps, round });
  });

  it.each([
    "now-",
    "now-d",
    "now-1",
    "now-1x",
    "now/",
    "now/dd",
    "now/d-1d",
    "now - 1d",
    "now-1.5d",
    "now+-1d",
    "nowish",
    "now-1D",
    "now/d/d",
  ])("refuses %s", (text) => {
    expect(parseDateMath(text)).toEqual({ problem: "syntax" });
  });

  it("is not date math unless it starts with now", () => {
    expect(parseDateMath("2024-01-01")).toBeUndefined();
    expect(parseDateMath("Now-1d")).toBeUndefined();
  });

  it("moves at most 10,000 years", () => {
    expect(parseDateMath("now-10000y")).toEqual({ steps: [{ amount: -10000, unit: "y" }], round: undefined });
    expect(parseDateMath("now-10001y")).toEqual({ problem: "range" });
    expect(parseDateMath("now-5000y-5000y-1y")).toEqual({ problem: "range" });
    expect(parseDateMath(`now${"+0s".repeat(33)}`)).toEqual({ problem: "steps" });
  });
});

describe("rounding, as Elasticsearch documents it (UTC)", () => {
  // Elasticsearch's range-query docs: with now = 2014-11-18T14:27:32, gt now/d is after 2014-11-18T23:59:59.999,
  // gte rounds to 2014-11-18T00:00, lt rounds to 2014-11-18T00:00, lte to 2014-11-18T23:59:59.999.
  const now = Date.UTC(2014, 10, 18, 14, 27, 32);
  const utc = zone("UTC")!;
  it.each([
    ["now/d", false, "2014-11-18T00:00:00.000Z"],
    ["now/d", true, "2014-11-18T23:59:59.999Z"],
    ["now-1d/d", false, "2014-11-17T00:00:00.000Z"],
    ["now/M", false, "2014-11-01T00:00:00.000Z"],
    ["now/M", true, "2014-11-30T23:59:59.999Z"],
    ["now/y", true, "2014-12-31T23:59:59.999Z"],
    ["now/w", false, "2014-11-17T00:00:00.000Z"], // a Tuesday: the week started on Monday the 17th
    ["now/w", true, "2014-11-23T23:59:59.999Z"],
    ["now/h", false, "2014-11-18T14:00:00.000Z"],
    ["now/m", true, "2014-11-18T14:27:59.999Z"],
    ["now/s", false, "2014-11-18T14:27:32.000Z"],
    ["now-1M", false, "2014-10-18T14:27:32.000Z"],
  ])("%s rounded %s is %s", (text, up, expected) => {
    expect(new Date(resolve(parsed(text), now, utc, up)).toISOString()).toBe(expected);
  });

  it("a month back from 31 March is the last day of February, and stands still across month ends", () => {
    const utc0 = zone("UTC")!;
    for (const [day, expected] of [
      [28, "2024-02-28"],
      [29, "2024-02-29"],
      [30, "2024-02-29"],
      [31, "2024-02-29"],
    ] as const) {
      expect(
        new Date(resolve(parsed("now-1M"), Date.UTC(2024, 2, day, 9), utc0, false)).toISOString().slice(0, 10),
      ).toBe(expected);
    }
  });
});

describe("DST", () => {
  it("a day across a DST change is 23 or 25 hours (Amsterdam and New York)", () => {
    for (const [tz, spring, autumn] of [
      ["Europe/Amsterdam", Date.UTC(2024, 2, 31, 12), Date.UTC(2024, 9, 27, 12)],
      ["America/New_York", Date.UTC(2024, 2, 10, 18), Date.UTC(2024, 10, 3, 18)],
    ] as const) {
      const z = zone(tz)!;
      expect(spring - resolve(parsed("now-1d"), spring, z, false)).toBe(23 * HOUR);
      expect(autumn - resolve(parsed("now-1d"), autumn, z, false)).toBe(25 * HOUR);
      expect(spring - resolve(parsed("now-24h"), spring, z, false)).toBe(24 * HOUR);
    }
  });

  it("a wall time in a gap moves forward by the gap; in an overlap, it takes the earlier instant", () => {
    const z = zone("Europe/Amsterdam")!;
    // 2024-03-31 02:30 does not exist in Amsterdam (02:00 → 03:00): a day after 2024-03-30 02:30 is 03:30 CEST.
    expect(new Date(resolve(parsed("now+1d"), Date.UTC(2024, 2, 30, 1, 30), z, false)).toISOString()).toBe(
      "2024-03-31T01:30:00.000Z",
    );
    // 2024-10-27 02:30 happens twice (03:00 → 02:00): a day after 2024-10-26 02:30 is the first, 02:30 CEST.
    expect(new Date(resolve(parsed("now+1d"), Date.UTC(2024, 9, 26, 0, 30), z, false)).toISOString()).toBe(
      "2024-10-27T00:30:00.000Z",
    );
  });

  it("a day that starts in a gap starts at its end (Santiago)", () => {
    const z = zone("America/Santiago")!;
    // 2024-09-08: midnight does not exist in Santiago (00:00 → 01:00, -04 → -03).
    expect(new Date(resolve(parsed("now/d"), Date.UTC(2024, 8, 8, 15), z, false)).toISOString()).toBe(
      "2024-09-08T04:00:00.000Z",
    );
  });
});

describe("against Temporal", () => {
  it("resolves every expression, zone, instant and rounding direction as Temporal does", () => {
    fc.assert(
      fc.property(
        zoneArb.chain((tz) => fc.tuple(fc.constant(tz), instantArb(tz))),
        mathArb,
        fc.boolean(),
        ([tz, now], text, up) => {
          expect(new Date(resolve(parsed(text), now, zone(tz)!, up)).toISOString()).toBe(
            new Date(reference(parsed(text), now, tz, up)).toISOString(),
          );
        },
      ),
      { numRuns: runs(800) },
    );
  });
});

describe("pieces", () => {
  it("within a piece, the value moves with the clock or stands still, exactly as resolving at each instant", () => {
    fc.assert(
      fc.property(
        zoneArb.chain((tz) => fc.tuple(fc.constant(tz), instantArb(tz))),
        mathArb,
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        ([tz, now], text, up, fractions) => {
          const z = zone(tz)!;
          const math = parsed(text);
          const p = piece(math, now, z, up);
          expect(p.from).toBe(now);
          expect(p.until).toBeGreaterThan(now);
          const end = Math.min(p.until, now + 400 * DAY);
          const samples = [now, end - 1, ...fractions.map((f) => Math.floor(now + f * (end - 1 - now)))];
          // And the instants just before and at every transition inside the piece.
          for (const t of transitionsOf(tz)) if (t > now && t < end) samples.push(t - 1, t);
          for (const t of samples)
            expect(valueIn(p, t), `${text} at ${new Date(t).toISOString()} in ${tz}`).toBe(resolve(math, t, z, up));
        },
      ),
      { numRuns: runs(600) },
    );
  });

  it("walks forward: each piece starts where the last ended, and the values stay within reach of the clock", () => {
    fc.assert(
      fc.property(
        zoneArb.chain((tz) => fc.tuple(fc.constant(tz), instantArb(tz))),
        mathArb,
        fc.boolean(),
        ([tz, now], text, up) => {
          const z = zone(tz)!;
          const math = parsed(text);
          const { low, high } = reach(math);
          let t = now;
          for (let i = 0; i < 20 && t < now + 800 * DAY; i++) {
            const p = piece(math, t, z, up);
            expect(p.until).toBeGreaterThan(t);
            for (const at of [t, Math.min(p.until, t + 400 * DAY) - 1]) {
              const v = valueIn(p, at);
              expect(v - at).toBeGreaterThanOrEqual(low);
              expect(v - at).toBeLessThanOrEqual(high);
            }
            t = p.until;
          }
        },
      ),
      { numRuns: runs(200) },
    );
  });
});
