/**
 * Relative dates (`"now-30d"` on a date field) in every target at an instant: the
 * predicate's tiers (compiled `matches` at a fixed clock, `matchesAt`, closures, generated
 * code, the segment index, countMembersMany) against MongoDB's answer for the filter at that
 * instant (the reference evaluator), in several time zones, for both date storages; the
 * Elasticsearch rounding rules through the filter; the refusals; the clock option.
 */
import fc from "fast-check";
import { Decimal128, Double, Long } from "bson";
import { describe, expect, it } from "vitest";
import {
  compileCondition,
  countMembers,
  createSegment,
  previewSegmentUpdate,
  updateSegment,
  type Segment,
  type SegmentPreview,
  type SegmentUpdate,
  diffMembership,
  membershipChangeSql,
  type ConditionError,
  createSegmatch,
  defineFields,
  membershipChangeFilters,
  MONGO_VERSIONS,
  safeParseCondition,
  toMongoFilter,
  toPredicate,
  toSql,
  type Condition,
  type ConditionOptions,
} from "../src/index.js";
import { reference } from "./reference/deviations.js";
import { runs } from "./fc-setup.js";
import { dateMathArb } from "./arbitraries.js";
import { expectTiers, itRanEveryTier, MANY_RUN_TIERS } from "./tiers.js";

const DAY = 86_400_000;
const CATALOG = defineFields(
  {},
  {
    joined: { type: "date", path: "d" },
    stamp: { type: "date", path: "e", storage: "epochMillis" },
    plan: { type: "string", path: "p" },
    score: { type: "number", path: "n" },
  },
);
const ZONES = ["UTC", "Europe/Amsterdam", "America/New_York", "Australia/Lord_Howe", "America/Santiago"] as const;
/** A zone: one of the five above, or any zone Intl knows (half-hour offsets, southern DST, zones that changed their rules). */
const zoneArb = fc.oneof(fc.constantFrom(...ZONES), fc.constantFrom(...Intl.supportedValuesOf("timeZone")));
/** Clock instants near hard places: DST changes, month ends, a leap day, a year end. */
const INSTANTS = [
  Date.UTC(2024, 2, 31, 1, 30),
  Date.UTC(2024, 9, 27, 0, 45),
  Date.UTC(2024, 2, 10, 7, 15),
  Date.UTC(2024, 1, 29, 23, 59, 59, 999),
  Date.UTC(2023, 11, 31, 23, 0),
  Date.UTC(2025, 0, 31, 12),
  Date.UTC(2024, 8, 8, 4, 0),
];
const mathArb = dateMathArb();
/** Every tier, countMembersMany's generated counter included (its cells read by generated code). */
const RELATIVE_TIERS = [...MANY_RUN_TIERS, "counter"] as const;
const leafArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({
    field: fc.constantFrom("joined", "stamp"),
    operator: fc.constantFrom("gt", "gte", "lt", "lte"),
    value: mathArb,
  }) as fc.Arbitrary<Condition>,
  fc.record({
    field: fc.constant("plan"),
    operator: fc.constant("eq"),
    value: fc.constantFrom("pro", "free"),
  }) as fc.Arbitrary<Condition>,
  fc.record({
    field: fc.constantFrom("joined", "stamp"),
    operator: fc.constant("exists"),
    value: fc.boolean(),
  }) as fc.Arbitrary<Condition>,
);
const conditionArb: fc.Arbitrary<Condition> = fc.letrec<{ c: Condition }>((tie) => ({
  c: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leafArb,
    fc.record({ $and: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Condition>,
    fc.record({ $or: fc.array(tie("c"), { minLength: 1, maxLength: 3 }) }) as fc.Arbitrary<Condition>,
    fc.record({ $not: tie("c") }) as fc.Arbitrary<Condition>,
  ),
})).c;
/**
 * A value near the instant `at`: a Date, epoch milliseconds, or something that compares with
 * neither. (Other numeric BSON types are compared by the same code as absolute values, which
 * bson-numbers.test.ts checks; the reference evaluator does not compare them with numbers.)
 */
const valueArb = (at: number): fc.Arbitrary<unknown> => {
  const near = fc.oneof(
    fc.integer({ min: -40 * DAY, max: 40 * DAY }).map((d) => at + d),
    fc.integer({ min: -3 * DAY, max: 3 * DAY }).map((d) => Math.floor((at + d) / 3_600_000) * 3_600_000),
    fc.integer({ min: -2, max: 2 }).map((d) => Math.floor(at / DAY) * DAY + d),
    fc.constantFrom(at, at - 1, at + 1),
  );
  return fc.oneof(
    near.map((t) => new Date(t)),
    near,
    fc.constantFrom(null, "2024-01-01", true),
    fc.array(
      near.map((t) => new Date(t)),
      { maxLength: 2 },
    ),
  );
};
const docArb = (at: number): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    { d: valueArb(at), e: valueArb(at), p: fc.constantFrom("pro", "free") },
    { requiredKeys: [], noNullPrototype: true },
  );

/**
 * For nextChange, which is checked against matchesAt rather than the reference evaluator:
 * also epoch milliseconds as other numeric types (a bigint, a Long, a Decimal128, a Double),
 * fractional milliseconds, and arrays that mix them with Dates and numbers.
 */
const roughValueArb = (at: number): fc.Arbitrary<unknown> => {
  const near = fc.oneof(
    fc.integer({ min: -40 * DAY, max: 40 * DAY }).map((d) => at + d),
    fc.constantFrom(at, at - 1, at + 1, at - DAY, at - 7 * DAY),
  );
  const scalar = fc.oneof(
    valueArb(at),
    near.map((t) => BigInt(t)),
    near.map((t) => Long.fromNumber(t)),
    near.map((t) => Decimal128.fromString(`${t}.5`)),
    near.map((t) => new Double(t)),
    near.map((t) => t + 0.25),
  );
  return fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
};
const roughDocArb = (at: number): fc.Arbitrary<Record<string, unknown>> =>
  fc.record(
    { d: roughValueArb(at), e: roughValueArb(at), p: fc.constantFrom("pro", "free") },
    { requiredKeys: [], noNullPrototype: true },
  );

describe("relative dates in every tier, at an instant, as MongoDB answers the filter at that instant", () => {
  it("generated conditions, instants, zones and documents, both date storages", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...INSTANTS)
          .chain((at) =>
            fc.tuple(
              fc.constant(at),
              zoneArb,
              fc.constantFrom(...MONGO_VERSIONS),
              conditionArb,
              fc.array(docArb(at), { minLength: 1, maxLength: 6 }),
            ),
          ),
        ([at, timeZone, version, condition, docs]) => {
          const options: ConditionOptions = { fields: CATALOG, timeZone, now: at, mongoVersion: version };
          const compiled = compileCondition(condition, options);
          const filter = compiled.filterAt(at);
          expect(compiled.filter).toEqual(filter);
          const expected = docs.map((doc) => reference(filter as Record<string, unknown>, doc, version).matches);
          expect(docs.map((doc) => compiled.matchesAt(doc, at))).toEqual(expected);
          expect(docs.map((doc) => compiled.matchesAt(doc, new Date(at)))).toEqual(expected);
          expectTiers(compiled, docs, expected, options, { tiers: RELATIVE_TIERS });
        },
      ),
      { numRuns: runs(600) },
    );
  });

  itRanEveryTier(RELATIVE_TIERS);
});

describe("nextChange: when an unchanged document's answer changes as the clock moves", () => {
  it("sound (the same answer strictly before), exact (a different one at it), and walks forward", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...INSTANTS)
          .chain((at) =>
            fc.tuple(
              fc.constant(at),
              zoneArb,
              conditionArb,
              roughDocArb(at),
              fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 8 }),
            ),
          ),
        ([at, timeZone, condition, doc, fractions]) => {
          const compiled = compileCondition(condition, { fields: CATALOG, timeZone, now: at });
          let t = at;
          for (let step = 0; step < 4; step++) {
            const before = compiled.matchesAt(doc, t);
            const next = compiled.nextChange(doc, t);
            const end = next === null ? t + 400 * DAY : next.getTime();
            expect(end).toBeGreaterThan(t);
            const samples = [t + 1, end - 1, ...fractions.map((f) => Math.floor(t + f * (end - t)))].filter(
              (s) => s > t && s < end,
            );
            for (const s of samples)
              expect(compiled.matchesAt(doc, s), `at ${new Date(s).toISOString()}, next ${next?.toISOString()}`).toBe(
                before,
              );
            if (next === null) {
              if (!compiled.relative) expect(compiled.nextChange(doc, t)).toBeNull();
              break;
            }
            expect(compiled.matchesAt(doc, next)).toBe(!before);
            t = next.getTime();
          }
        },
      ),
      { numRuns: runs(400) },
    );
  });

  it("a contact who signed up 7 days ago leaves 'the last 7 days' at that instant, and never comes back", () => {
    const signedUp = Date.UTC(2024, 0, 3, 9, 30);
    const compiled = compileCondition({ field: "joined", operator: "gte", value: "now-7d" }, { fields: CATALOG });
    const contact = { d: new Date(signedUp) };
    expect(compiled.nextChange(contact, signedUp)).toEqual(new Date(signedUp + 7 * DAY + 1));
    expect(compiled.nextChange(contact, signedUp + 7 * DAY + 1)).toBeNull();
    // Rounded to days: it leaves when the day after the seventh begins.
    const days = compileCondition({ field: "joined", operator: "gte", value: "now-7d/d" }, { fields: CATALOG });
    expect(days.nextChange(contact, signedUp)).toEqual(new Date(Date.UTC(2024, 0, 11)));
    // No relative date: never.
    expect(
      compileCondition({ field: "plan", operator: "eq", value: "pro" }, { fields: CATALOG }).nextChange(
        contact,
        signedUp,
      ),
    ).toBeNull();
  });
});

describe("the index as the clock moves", () => {
  it("changesBetween is each segment at both instants; nextChange is the first instant its segments change", () => {
    fc.assert(
      fc.property(
        fc
          .constantFrom(...INSTANTS)
          .chain((at) =>
            fc.tuple(
              fc.constant(at),
              zoneArb,
              fc.array(conditionArb, { minLength: 1, maxLength: 4 }),
              roughDocArb(at),
              fc.integer({ min: 1, max: 60 * DAY }),
            ),
          ),
        ([at, timeZone, conditions, doc, later]) => {
          const options: ConditionOptions = { fields: CATALOG, timeZone, now: at };
          const engine = createSegmatch(options);
          const index = engine.createSegmentIndex();
          const compiled = conditions.map((c) => engine.compileCondition(c));
          compiled.forEach((c, i) => index.set(`s${i}`, c));
          const members = (t: number) => compiled.flatMap((c, i) => (c.matchesAt(doc, t) ? [`s${i}`] : []));
          const to = at + later;
          const [was, is] = [members(at), members(to)];
          expect(index.changesBetween(doc, at, to)).toEqual({
            entered: is.filter((id) => !was.includes(id)),
            left: was.filter((id) => !is.includes(id)),
          });
          const next = index.nextChange(doc, at);
          const firsts = compiled.map((c) => c.nextChange(doc, at)).filter((d): d is Date => d !== null);
          // The index's answer is the first instant any segment's answer changes.
          expect(next).toEqual(firsts.length === 0 ? null : new Date(Math.min(...firsts.map((d) => d.getTime()))));
        },
      ),
      { numRuns: runs(200) },
    );
  });
});

describe("who entered or left since the last run: the same condition at two instants", () => {
  const week = { field: "joined", operator: "gte", value: "now-7d" } as const;
  const from = Date.UTC(2024, 0, 10);
  const to = Date.UTC(2024, 0, 12);
  const contacts = [
    { id: "old", d: new Date(Date.UTC(2024, 0, 4)) },
    { id: "new", d: new Date(Date.UTC(2024, 0, 11)) },
    { id: "kept", d: new Date(Date.UTC(2024, 0, 9)) },
  ];
  it("diffMembership, membershipChangeFilters and membershipChangeSql resolve before at from and after at to", () => {
    // As the clock moves, "joined in the last 7 days" only loses contacts, "joined more than 7 days ago" only gains them.
    expect(diffMembership(week, week, contacts, { fields: CATALOG, from, to })).toEqual({
      entered: [],
      left: ["old"],
      count: 2,
    });
    const older = { field: "joined", operator: "lt", value: "now-7d" } as const;
    expect(diffMembership(older, older, contacts, { fields: CATALOG, from, to })).toEqual({
      entered: ["old"],
      left: [],
      count: 1,
    });
    expect(membershipChangeFilters(week, week, { fields: CATALOG, from, to })).toEqual({
      entering: {
        $and: [{ d: { $gte: new Date(to - 7 * DAY) } }, { $nor: [{ d: { $gte: new Date(from - 7 * DAY) } }] }],
      },
      leaving: {
        $and: [{ d: { $gte: new Date(from - 7 * DAY) } }, { $nor: [{ d: { $gte: new Date(to - 7 * DAY) } }] }],
      },
    });
    const sql = membershipChangeSql(week, week, {
      fields: CATALOG,
      from,
      to,
      sql: { table: "c", id: "id", topics: { column: "topics" } },
    });
    expect(sql.entering.values).toEqual([new Date(to - 7 * DAY).toISOString(), new Date(from - 7 * DAY).toISOString()]);
    const engine = createSegmatch({ fields: CATALOG });
    expect(engine.membershipChangeFilters(week, week, { from, to })).toEqual(
      membershipChangeFilters(week, week, { fields: CATALOG, from, to }),
    );
    expect(engine.diffMembership(week, week, contacts, { from, to })).toEqual({
      entered: [],
      left: ["old"],
      count: 2,
    });
  });

  it("refuses an instant that is not one", () => {
    const error = safeParseCondition(week, { fields: CATALOG }).data
      ? (() => {
          try {
            membershipChangeFilters(week, week, { fields: CATALOG, from: new Date(Number.NaN) });
          } catch (e) {
            return (e as ConditionError).issues.map((i) => [i.code, i.path]);
          }
          return [];
        })()
      : [];
    expect(error).toEqual([["invalid_options", ["options", "from"]]]);
  });
});

describe("rounding, as Elasticsearch's range rules say (now = 2014-11-18T14:27:32Z)", () => {
  const now = Date.UTC(2014, 10, 18, 14, 27, 32);
  const filterOf = (operator: string, value: string) =>
    toMongoFilter({ field: "joined", operator, value } as Condition, { fields: CATALOG, now });
  it.each([
    ["gte", "now/d", { d: { $gte: new Date("2014-11-18T00:00:00.000Z") } }],
    ["gt", "now/d", { d: { $gt: new Date("2014-11-18T23:59:59.999Z") } }],
    ["lt", "now/d", { d: { $lt: new Date("2014-11-18T00:00:00.000Z") } }],
    ["lte", "now/d", { d: { $lte: new Date("2014-11-18T23:59:59.999Z") } }],
    ["gte", "now-1M/M", { d: { $gte: new Date("2014-10-01T00:00:00.000Z") } }],
    ["gte", "now-30d", { d: { $gte: new Date("2014-10-19T14:27:32.000Z") } }],
  ])("%s %s", (operator, value, filter) => {
    expect(filterOf(operator, value)).toEqual(filter);
  });

  it("epoch-millisecond storage gets numbers, SQL gets the same instants as parameters", () => {
    expect(toMongoFilter({ field: "stamp", operator: "lte", value: "now/d" }, { fields: CATALOG, now })).toEqual({
      e: { $lte: Date.UTC(2014, 10, 18, 23, 59, 59, 999) },
    });
    const sql = toSql(
      {
        $and: [
          { field: "joined", operator: "gte", value: "now/d" },
          { field: "stamp", operator: "lt", value: "now/d" },
        ],
      },
      { fields: CATALOG, now, sql: { table: "c", id: "id", topics: { column: "topics" } } },
    );
    expect(sql.values).toEqual([new Date("2014-11-18T00:00:00.000Z").toISOString(), Date.UTC(2014, 10, 18)]);
  });

  it("a zone's calendar: the start of the day in Amsterdam", () => {
    expect(
      toMongoFilter(
        { field: "joined", operator: "gte", value: "now/d" },
        { fields: CATALOG, now, timeZone: "Europe/Amsterdam" },
      ),
    ).toEqual({ d: { $gte: new Date("2014-11-17T23:00:00.000Z") } });
  });
});

describe("refusals", () => {
  const issue = (condition: unknown, options: ConditionOptions = { fields: CATALOG }) =>
    safeParseCondition(condition, options).error?.issues.map((i) => [
      i.code,
      i.path,
      "reason" in i ? i.reason : undefined,
      i.message,
    ]);
  it("date math that is not, with the syntax", () => {
    expect(issue({ field: "joined", operator: "gte", value: "now-1x" })).toEqual([
      [
        "invalid_date",
        ["value"],
        undefined,
        'field "joined" is a date: "now-1x" is not a date: relative dates are date math: now, then any number of +N or -N with a unit, then optionally /unit to round; units y (years), M (months), w (weeks), d (days), h (hours), m (minutes), s (seconds); e.g. "now-30d", "now-1M/M", "now/d"',
      ],
    ]);
  });

  it.each(["eq", "ne"])("%s with a relative date", (operator) => {
    expect(issue({ field: "joined", operator, value: "now-1d" })?.[0]?.slice(0, 3)).toEqual([
      "invalid_value",
      ["value"],
      "relative_operator",
    ]);
  });

  it("in and nin with a relative date, at the item", () => {
    expect(issue({ field: "joined", operator: "in", value: ["2024-01-01", "now/d"] })?.[0]?.slice(0, 3)).toEqual([
      "invalid_value",
      ["value", 1],
      "relative_operator",
    ]);
  });

  it("a field that is not a date: a number field refuses the text, a string field takes it as text", () => {
    expect(issue({ field: "score", operator: "gt", value: "now-1d" })?.[0]?.slice(0, 3)).toEqual([
      "invalid_value",
      ["value"],
      "field_type",
    ]);
    expect(compileCondition({ field: "plan", operator: "eq", value: "now-1d" }, { fields: CATALOG }).relative).toBe(
      false,
    );
    expect(issue({ field: "plan", operator: "gte", value: "now-1d" })?.[0]?.slice(0, 3)).toEqual([
      "invalid_value",
      ["value"],
      "relative_field",
    ]);
    // Without a catalog nothing is a date: the text is text.
    expect(toMongoFilter({ field: "d", operator: "gte", value: "now-1d" })).toEqual({ d: { $gte: "now-1d" } });
  });

  it("options: a time zone Intl does not know, a clock that is no instant", () => {
    expect(
      issue({ field: "plan", operator: "eq", value: "x" }, { timeZone: "Mars/Olympus" })?.[0]?.slice(0, 2),
    ).toEqual(["invalid_options", ["options", "timeZone"]]);
    expect(
      issue({ field: "plan", operator: "eq", value: "x" }, { now: new Date(Number.NaN) })?.[0]?.slice(0, 2),
    ).toEqual(["invalid_options", ["options", "now"]]);
    const badClock = compileCondition(
      { field: "joined", operator: "gte", value: "now-1d" },
      { fields: CATALOG, now: () => Number.NaN },
    );
    expect(() => badClock.matches({})).toThrow(/options\.now/);
    expect(() => badClock.matchesAt({}, Number.NaN)).toThrow(/an instant must be a valid Date or epoch milliseconds/);
  });
});

describe("the clock", () => {
  it("moves without recompiling: a contact leaves 'the last 7 days' at its instant", () => {
    let now = Date.UTC(2024, 0, 10, 12);
    const compiled = compileCondition(
      { field: "joined", operator: "gte", value: "now-7d" },
      { fields: CATALOG, now: () => now },
    );
    const contact = { d: new Date(Date.UTC(2024, 0, 5, 12)) };
    expect(compiled.relative).toBe(true);
    expect(compiled.matches(contact)).toBe(true);
    now = Date.UTC(2024, 0, 12, 12);
    expect(compiled.matches(contact)).toBe(true);
    now = Date.UTC(2024, 0, 12, 12, 0, 0, 1);
    expect(compiled.matches(contact)).toBe(false);
    expect(compiled.filter).toEqual({ d: { $gte: new Date(Date.UTC(2024, 0, 5, 12, 0, 0, 1)) } });
  });

  it("a condition without a relative date never reads the clock", () => {
    const compiled = compileCondition(
      { field: "plan", operator: "eq", value: "pro" },
      {
        fields: CATALOG,
        now: () => {
          throw new Error("read");
        },
      },
    );
    expect(compiled.relative).toBe(false);
    expect(compiled.matches({ p: "pro" })).toBe(true);
    expect(compiled.filter).toEqual({ p: { $eq: "pro" } });
  });

  it("a call's own clock wins over a compiled condition's", () => {
    const compiled = compileCondition(
      { field: "joined", operator: "lt", value: "now/d" },
      { fields: CATALOG, now: Date.UTC(2024, 0, 1) },
    );
    const later = { fields: CATALOG, now: Date.UTC(2024, 5, 1, 9) };
    expect(toMongoFilter(compiled, later)).toEqual({ d: { $lt: new Date(Date.UTC(2024, 5, 1)) } });
    expect(toPredicate(compiled, later)({ d: new Date(Date.UTC(2024, 2, 1)) })).toBe(true);
    expect(compiled.matches({ d: new Date(Date.UTC(2024, 2, 1)) })).toBe(false);
    expect(countMembers(compiled, [{ d: new Date(Date.UTC(2024, 2, 1)) }], later)).toBe(1);
  });

  it("membership change filters resolve both conditions at one instant", () => {
    const now = Date.UTC(2024, 0, 10);
    const filters = membershipChangeFilters(
      { field: "joined", operator: "gte", value: "now-7d" },
      { field: "joined", operator: "gte", value: "now-30d" },
      { fields: CATALOG, now },
    );
    expect(filters.entering).toEqual({
      $and: [{ d: { $gte: new Date(now - 30 * DAY) } }, { $nor: [{ d: { $gte: new Date(now - 7 * DAY) } }] }],
    });
  });

  it("the index and countMembersMany answer at their clock, as each segment alone", () => {
    let now = Date.UTC(2024, 0, 10);
    const engine = createSegmatch({ fields: CATALOG, now: () => now });
    const index = engine.createSegmentIndex();
    index.set("week", { field: "joined", operator: "gte", value: "now-7d/d" });
    index.set("month", { field: "stamp", operator: "gte", value: "now/M" });
    const contact = { d: new Date(Date.UTC(2024, 0, 3, 5)), e: Date.UTC(2024, 0, 1) };
    expect(index.match(contact).sort()).toEqual(["month", "week"]);
    expect(
      engine.countMembersMany({ week: { field: "joined", operator: "gte", value: "now-7d/d" } }, [contact]),
    ).toEqual({ week: 1 });
    now = Date.UTC(2024, 1, 1);
    expect(index.match(contact)).toEqual([]);
  });

  it("epoch milliseconds in other numeric BSON types compare by value, as with an absolute date", () => {
    const at = Date.UTC(2024, 0, 10);
    const compiled = compileCondition(
      { field: "stamp", operator: "gte", value: "now-1d" },
      { fields: CATALOG, now: at },
    );
    expect(
      [Long.fromNumber(at), Long.fromNumber(at - 2 * DAY), at - DAY, at - DAY - 1].map((e) => compiled.matches({ e })),
    ).toEqual([true, false, true, false]);
  });

  it("the segment lifecycle counts relative dates at its now, the instant of its timestamps", () => {
    const contacts = [{ d: new Date(Date.UTC(2024, 0, 4)) }, { d: new Date(Date.UTC(2024, 0, 9)) }];
    const conditions = { field: "joined", operator: "gte", value: "now-7d" } as const;
    const created = createSegment(
      { name: "New", conditions },
      { id: "s", now: Date.UTC(2024, 0, 10), contacts, fields: CATALOG },
    ) as Segment;
    expect([created.memberCount, created.createdAt]).toEqual([2, "2024-01-10T00:00:00.000Z"]);
    const later = updateSegment(
      created,
      { conditions: { field: "joined", operator: "gte", value: "now-7d/d" } },
      { now: Date.UTC(2024, 0, 12), contacts, fields: CATALOG },
    ) as SegmentUpdate;
    expect(later.segment.memberCount).toBe(1);
    const preview = previewSegmentUpdate(
      created,
      { conditions: { field: "joined", operator: "gte", value: "now-2d" } },
      contacts,
      {
        now: Date.UTC(2024, 0, 10),
        fields: CATALOG,
        id: (c: { d: Date }) => c.d.toISOString().slice(0, 10),
      },
    ) as SegmentPreview;
    expect([preview.before, preview.after, preview.left]).toEqual([2, 1, ["2024-01-04"]]);
  });

  it("review cases (nextChange rework): values out of the clock's reach never change; a non-numeric object compares with nothing; the clock's end", () => {
    const at = Date.UTC(2024, 0, 10);
    const stamp = compileCondition({ field: "stamp", operator: "gt", value: "now-30d" }, { fields: CATALOG });
    // A nanosecond timestamp, or a number past a Date's range: the relative date never reaches it.
    for (const e of [1.7e18, 9e15, 10n ** 20n]) expect(stamp.nextChange({ e }, at)).toBeNull();
    expect(stamp.nextChange({ e: Object.create(null) }, at)).toBeNull();
    expect(stamp.matchesAt({ e: Object.create(null) }, at)).toBe(false);
    // At the end of a Date's range the clock stands still: the answer there does not depend on earlier calls.
    const fresh = compileCondition({ field: "joined", operator: "gt", value: "now" }, { fields: CATALOG });
    const used = compileCondition({ field: "joined", operator: "gt", value: "now" }, { fields: CATALOG });
    const doc = { d: new Date(8.64e15) };
    used.matchesAt(doc, at);
    expect(used.matchesAt(doc, 8.64e15)).toBe(fresh.matchesAt(doc, 8.64e15));
  });

  it("review cases: a nested call that throws leaves the outer instant; fractional instants are whole milliseconds; an index drops cells no segment reads", () => {
    const at = Date.UTC(2024, 0, 10);
    const compiled = compileCondition(
      {
        $and: [
          { field: "plan", operator: "eq", value: "pro" },
          { field: "joined", operator: "gte", value: "now-1d" },
        ],
      },
      { fields: CATALOG },
    );
    const bad = {
      get p(): string {
        throw new Error("no");
      },
    };
    const doc = {
      get p(): string {
        try {
          compiled.matchesAt(bad, 8e15);
        } catch {
          // the nested call failed; the outer one goes on at its own instant
        }
        return "pro";
      },
      d: new Date(at - 3_600_000),
    };
    expect(compiled.matchesAt(doc, at)).toBe(true);
    // 1000.5 is the millisecond 1000 everywhere: the predicate agrees with the filter's Date.
    const now = compileCondition({ field: "joined", operator: "gte", value: "now" }, { fields: CATALOG });
    expect(now.matchesAt({ d: new Date(1000) }, 1000.5)).toBe(true);
    expect(now.filterAt(1000.5)).toEqual({ d: { $gte: new Date(1000) } });
    // Replacing a relative segment with an absolute one: the index reads no clock any more.
    let reads = 0;
    const index = createSegmatch({
      fields: CATALOG,
      now: () => {
        reads++;
        return at;
      },
    }).createSegmentIndex();
    index.set("s", { field: "joined", operator: "gte", value: "now-1d" });
    index.match({});
    expect(reads).toBe(1);
    index.set("s", { field: "plan", operator: "eq", value: "pro" });
    index.match({});
    expect(reads).toBe(1);
  });

  it("an engine's clock dates the lifecycle's timestamps, and counts at the same reading", () => {
    const at = Date.UTC(2024, 0, 10);
    const engine = createSegmatch({ fields: CATALOG, now: at });
    const created = engine.createSegment(
      { name: "Week", conditions: { field: "joined", operator: "gte", value: "now-7d" } },
      { id: "w", contacts: [{ d: new Date(at - DAY) }] },
    ) as Segment;
    expect([created.createdAt, created.memberCount]).toEqual(["2024-01-10T00:00:00.000Z", 1]);
  });

  it("a document's getter that asks about another instant does not change the outer answer", () => {
    const compiled = compileCondition({ field: "joined", operator: "gte", value: "now-1d" }, { fields: CATALOG });
    const at = Date.UTC(2024, 0, 10);
    const inner = { d: new Date(at - 2 * DAY) };
    const outer = {
      get d(): Date {
        // At a later instant the inner contact is out; the outer one is asked at `at`.
        expect(compiled.matchesAt(inner, at + 10 * DAY)).toBe(false);
        return new Date(at - 1);
      },
    };
    expect(compiled.matchesAt(outer, at)).toBe(true);
  });
});
