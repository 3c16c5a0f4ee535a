/**
 * Segments: counting over any contact source, membership diffs (in memory and as MongoDB
 * filters), the incremental segment index, and the segment object's lifecycle.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileCondition,
  ConditionError,
  countMembers,
  countMembersMany,
  countMembersManyPipeline,
  createSegment,
  createSegmatch,
  createSegmentIndex,
  diffMembership,
  membershipChangeFilters,
  previewSegmentUpdate,
  updateSegment,
  type CompiledCondition,
  type Condition,
  type Segment,
} from "../src/index.js";
import { conditionArb, docArb, recordsDocArb, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { reference, referenceAggregate } from "./reference/deviations.js";
import { refusal } from "./refusal.js";
import { runs } from "./fc-setup.js";

const US = { field: "country", operator: "eq", value: "US" } as const;
const SUBSCRIBED = { field: "status", operator: "eq", value: "SUBSCRIBED" } as const;
const CONTACTS = [
  { _id: "a", country: "US", status: "SUBSCRIBED" },
  { _id: "b", country: "US", status: "BOUNCED" },
  { _id: "c", country: "FR", status: "SUBSCRIBED" },
  { id: "d", country: "US" },
  { _id: "e" },
];

async function* slowly<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

describe("countMembers", () => {
  it("counts an array, any iterable, and an async iterable (as a promise)", async () => {
    expect(countMembers(US, CONTACTS)).toBe(3);
    expect(countMembers(US, new Set(CONTACTS))).toBe(3);
    const pending = countMembers(US, slowly(CONTACTS));
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(3);
  });

  it("never materialises the source: a lazy generator of a million contacts is consumed once, item by item", () => {
    let made = 0;
    function* lazy() {
      for (let i = 0; i < 1_000_000; i++) {
        made++;
        yield { country: i % 4 === 0 ? "US" : "GB" };
      }
    }
    expect(countMembers(US, lazy())).toBe(250_000);
    expect(made).toBe(1_000_000);
  });

  it("takes a CompiledCondition as it is, and refuses bad conditions with a ConditionError", () => {
    const compiled = compileCondition({ $and: [US, SUBSCRIBED] });
    expect(countMembers(compiled, CONTACTS)).toBe(1);
    expect(() => countMembers({ field: "country", operator: "like", value: "US" }, CONTACTS)).toThrow(ConditionError);
    expect(() => countMembers(US, 5 as unknown as Iterable<unknown>)).toThrow(ConditionError);
  });

  it("applies the catalog and topic options", () => {
    const contacts = [
      { topics: [{ topicId: "t1", status: "SUBSCRIBED" }] },
      { topics: [{ topicId: "t1", status: "UNSUBSCRIBED" }] },
    ];
    expect(countMembers({ subscribedToTopic: ["t1"] }, contacts, { topics: { layout: "records" } })).toBe(1);
    expect(() =>
      countMembers({ field: "contry", operator: "eq", value: "US" }, contacts, { fields: TEST_CATALOG }),
    ).toThrow(/did you mean "country"/);
  });

  it("countMembersMany makes one pass for many segments", async () => {
    let reads = 0;
    const counted = function* () {
      for (const c of CONTACTS) {
        reads++;
        yield c;
      }
    };
    const segments = { us: US, subscribed: SUBSCRIBED, both: { $and: [US, SUBSCRIBED] } };
    expect(countMembersMany(segments, counted())).toEqual({ us: 3, subscribed: 2, both: 1 });
    expect(reads).toBe(CONTACTS.length);
    expect(await countMembersMany(new Map(Object.entries(segments)), slowly(CONTACTS))).toEqual({
      us: 3,
      subscribed: 2,
      both: 1,
    });
  });
});

describe("diffMembership", () => {
  it("lists who enters and leaves, with the count after", async () => {
    const expected = { entered: ["c"], left: ["b", "d"], count: 2 };
    expect(diffMembership(US, SUBSCRIBED, CONTACTS)).toEqual(expected);
    expect(await diffMembership(US, SUBSCRIBED, slowly(CONTACTS))).toEqual(expected);
    expect(diffMembership(US, SUBSCRIBED, CONTACTS, { id: (c) => `#${(c as { country?: string }).country}` })).toEqual({
      entered: ["#FR"],
      left: ["#US", "#US"],
      count: 2,
    });
  });

  it("equals evaluating both conditions on every contact (property)", () => {
    fc.assert(
      fc.property(conditionArb, conditionArb, fc.array(docArb, { maxLength: 8 }), (before, after, docs) => {
        const contacts = docs.map((d, i) => ({ ...d, _id: i }));
        const b = compileCondition(before).matches;
        const a = compileCondition(after).matches;
        const diff = diffMembership(before, after, contacts);
        expect(diff.entered).toEqual(contacts.filter((c) => a(c) && !b(c)).map((c) => String(c._id)));
        expect(diff.left).toEqual(contacts.filter((c) => b(c) && !a(c)).map((c) => String(c._id)));
        expect(diff.count).toBe(contacts.filter(a).length);
      }),
      { numRuns: runs(1_000) },
    );
  });
});

describe("membershipChangeFilters", () => {
  it("entering matches exactly after-and-not-before, leaving the reverse, as MongoDB evaluates them (property)", () => {
    fc.assert(
      fc.property(
        conditionArb,
        conditionArb,
        fc.array(docArb, { minLength: 1, maxLength: 5 }),
        (before, after, docs) => {
          const { entering, leaving } = membershipChangeFilters(before, after);
          const b = compileCondition(before).matches;
          const a = compileCondition(after).matches;
          for (const doc of docs) {
            expect(reference(entering as Record<string, unknown>, doc).matches).toBe(a(doc) && !b(doc));
            expect(reference(leaving as Record<string, unknown>, doc).matches).toBe(b(doc) && !a(doc));
          }
        },
      ),
      { numRuns: runs(2_000) },
    );
  });

  it("wraps the two compiled filters", () => {
    expect(membershipChangeFilters(US, SUBSCRIBED)).toEqual({
      entering: { $and: [{ status: { $eq: "SUBSCRIBED" } }, { $nor: [{ country: { $eq: "US" } }] }] },
      leaving: { $and: [{ country: { $eq: "US" } }, { $nor: [{ status: { $eq: "SUBSCRIBED" } }] }] },
    });
  });
});

describe("countMembersManyPipeline", () => {
  const RICH = { field: "score", operator: "gte", value: 50 } as const;
  it("is one $facet of each segment's $match and $count, and a $project of the counts (0 for none)", () => {
    const many = countMembersManyPipeline({ us: US, "a.$b": SUBSCRIBED });
    expect(many.ids).toEqual(["us", "a.$b"]);
    expect(many.pipeline).toEqual([
      {
        $facet: {
          s0: [{ $match: { country: { $eq: "US" } } }, { $count: "n" }],
          s1: [{ $match: { status: { $eq: "SUBSCRIBED" } } }, { $count: "n" }],
        },
      },
      {
        $project: {
          s0: { $ifNull: [{ $arrayElemAt: ["$s0.n", 0] }, 0] },
          s1: { $ifNull: [{ $arrayElemAt: ["$s1.n", 0] }, 0] },
        },
      },
    ]);
    expect(many.read(referenceAggregate(many.pipeline, CONTACTS))).toEqual({ us: 3, "a.$b": 2 });
    expect(many.read(referenceAggregate(many.pipeline, []))).toEqual({ us: 0, "a.$b": 0 });
    expect(Object.isFrozen(many.pipeline) && Object.isFrozen(many.pipeline[0])).toBe(true);
  });

  it("reads counts as the driver gives them (a number, a Long, a bigint) and refuses any other result at result", () => {
    const many = countMembersManyPipeline({ us: US, rich: RICH });
    const long = { toNumber: () => 7 };
    expect(many.read([{ s0: 3, s1: long }])).toEqual({ us: 3, rich: 7 });
    expect(many.read([{ s0: 0n, s1: 2 }])).toEqual({ us: 0, rich: 2 });
    for (const bad of [
      [],
      [{ s0: 1 }],
      [{ s0: 1, s1: -1 }],
      [{ s0: 1, s1: 1.5 }],
      [{ s0: 1, s1: 2 ** 60 }],
      [{ s0: 1, s1: 1 }, {}],
      {},
      null,
    ]) {
      expect(
        refusal(() => many.read(bad)),
        JSON.stringify(bad),
      ).toEqual([["invalid_type", ["result"]]]);
    }
    const throwing = {
      toNumber: () => {
        throw new Error("boom");
      },
    };
    expect(refusal(() => many.read([{ s0: 1, s1: throwing }]))).toEqual([["unreadable_input", ["result"]]]);
    expect(countMembersManyPipeline({}).read("anything")).toEqual({});
    expect(countMembersManyPipeline({}).pipeline).toEqual([{ $limit: 1 }, { $project: { _id: 1 } }]);
  });

  it("resolves every relative date at one reading of the clock, and refuses bad segments at their ids", () => {
    let reads = 0;
    const clock = () => (reads++, Date.UTC(2026, 0, 10));
    const recent = { field: "createdAt", operator: "gte", value: "now-7d" } as const;
    const many = countMembersManyPipeline({ a: recent, b: recent, us: US }, { fields: TEST_CATALOG, now: clock });
    expect(reads).toBe(1);
    const facet = many.pipeline[0]!.$facet as Record<string, unknown[]>;
    expect(facet.s0![0]).toEqual({ $match: { createdAt: { $gte: new Date(Date.UTC(2026, 0, 3)) } } });
    expect(facet.s1![0]).toEqual(facet.s0![0]);
    expect(
      refusal(() => countMembersManyPipeline({ ok: US, bad: { field: "country", operator: "nope", value: 1 } })),
    ).toEqual([["unknown_operator", ["segments", "bad", "operator"]]]);
    const engine = createSegmatch({ fields: TEST_CATALOG });
    expect(engine.countMembersManyPipeline({ rich: RICH }).pipeline).toEqual(
      countMembersManyPipeline({ rich: RICH }, { fields: TEST_CATALOG }).pipeline,
    );
  });
});

/** `after` is `before` with some root fields replaced, removed or added from another document. */
const updateArb = (docs: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(docs, docs, fc.subarray(["a", "b", "c", "tags", "topics"])).map(([before, other, keys]) => {
    const after = { ...before };
    for (const k of keys) {
      if (k in other) after[k] = other[k];
      else delete after[k];
    }
    return [before, after] as const;
  });

describe("createSegmentIndex", () => {
  const naive = (
    segments: Condition[],
    before: unknown,
    after: unknown,
    options?: Parameters<typeof compileCondition>[1],
  ) => {
    const entered: string[] = [];
    const left: string[] = [];
    segments.forEach((c, i) => {
      const m = compileCondition(c, options).matches;
      if (m(after) && !m(before)) entered.push(String(i));
      if (m(before) && !m(after)) left.push(String(i));
    });
    return { entered, left };
  };
  const sorted = (r: { entered: string[]; left: string[] }) => ({
    entered: [...r.entered].sort(),
    left: [...r.left].sort(),
  });

  it("changes() equals re-evaluating every segment (property, ids layout)", () => {
    fc.assert(
      fc.property(
        fc.array(conditionArb, { minLength: 1, maxLength: 8 }),
        updateArb(docArb),
        (segments, [before, after]) => {
          const index = createSegmentIndex();
          segments.forEach((c, i) => index.set(String(i), c));
          expect(sorted(index.changes(before, after))).toEqual(sorted(naive(segments, before, after)));
          expect(index.match(after).sort()).toEqual(
            segments
              .map((c, i) => [c, String(i)] as const)
              .filter(([c]) => compileCondition(c).matches(after))
              .map(([, i]) => i)
              .sort(),
          );
        },
      ),
      { numRuns: runs(3_000) },
    );
  });

  it("changes() equals re-evaluating every segment (property, catalog and records layout)", () => {
    const options = { fields: TEST_CATALOG, topics: { layout: "records" as const } };
    fc.assert(
      fc.property(
        fc.array(typedConditionArb, { minLength: 1, maxLength: 8 }),
        updateArb(recordsDocArb),
        (segments, [before, after]) => {
          const index = createSegmentIndex(options);
          segments.forEach((c, i) => index.set(String(i), c));
          expect(sorted(index.changes(before, after))).toEqual(sorted(naive(segments, before, after, options)));
        },
      ),
      { numRuns: runs(3_000) },
    );
  });

  it("answers for the segments that read what changed, and ignores unrelated changes", () => {
    const index = createSegmentIndex();
    index.set("country", US);
    index.set("city", { field: "address.city", operator: "eq", value: "Paris" });
    index.set("news", { subscribedToTopic: ["news"] });
    expect(
      index.changes(
        { country: "FR", address: { city: "Lyon" } },
        { country: "US", address: { city: "Lyon", zip: "1" } },
      ),
    ).toEqual({ entered: ["country"], left: [] });
    expect(index.changes({ address: { city: "Lyon" } }, { address: [{ city: "Paris" }] })).toEqual({
      entered: ["city"],
      left: [],
    });
    expect(index.changes({ topics: ["news"] }, { topics: ["news", "deals"] })).toEqual({ entered: [], left: [] });
    expect(index.changes({ topics: ["news"] }, { topics: [] })).toEqual({ entered: [], left: ["news"] });
  });

  it("tracks a CompiledCondition by the topic options it was compiled with, not the index's", () => {
    const index = createSegmentIndex();
    index.set("subs", compileCondition({ subscribedToTopic: ["news"] }, { topics: { path: "subs" } }));
    index.set("records", compileCondition({ subscribedToTopic: ["news"] }, { topics: { layout: "records" } }));
    index.set("ids", { subscribedToTopic: ["news"] });
    expect(index.changes({ subs: [] }, { subs: ["news"] })).toEqual({ entered: ["subs"], left: [] });
    expect(index.changes({ topics: [] }, { topics: [{ topicId: "news", status: "SUBSCRIBED" }] })).toEqual({
      entered: ["records"],
      left: [],
    });
    expect(index.changes({ topics: [] }, { topics: ["news"] })).toEqual({ entered: ["ids"], left: [] });
  });

  it("sees a change in a non-enumerable own property, as the predicate reads it", () => {
    const index = createSegmentIndex();
    index.set("s", { field: "a.b", operator: "eq", value: 1 });
    const doc = (b: number) => ({ a: Object.defineProperty({}, "b", { value: b, enumerable: false }) });
    expect(index.changes(doc(0), doc(1))).toEqual({ entered: ["s"], left: [] });
  });

  it("set replaces, delete removes", () => {
    const index = createSegmentIndex();
    index.set("s", US);
    expect(index.match({ country: "US" })).toEqual(["s"]);
    index.set("s", SUBSCRIBED);
    expect(index.match({ country: "US" })).toEqual([]);
    expect(index.changes({ country: "FR" }, { country: "US" })).toEqual({ entered: [], left: [] });
    expect(index.delete("s")).toBe(true);
    expect(index.delete("s")).toBe(false);
    expect(index.size).toBe(0);
  });
});

describe("segment lifecycle", () => {
  const t0 = new Date("2026-01-01T00:00:00.000Z");
  const t1 = new Date("2026-02-01T00:00:00.000Z");
  const created = createSegment(
    { name: "  US  ", description: "Americans", conditions: US },
    { id: "seg_1", now: t0, contacts: CONTACTS },
  ) as Segment;

  it("create returns the complete segment, counted when contacts are given", async () => {
    expect(created).toEqual({
      object: "segment",
      id: "seg_1",
      name: "US",
      description: "Americans",
      conditions: US,
      memberCount: 3,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-01T00:00:00.000Z",
    });
    expect(createSegment({ name: "x", conditions: US }, { id: "s", now: t0 }).memberCount).toBeNull();
    expect(
      (await createSegment({ name: "x", conditions: US }, { id: "s", now: t0, contacts: slowly(CONTACTS) }))
        .memberCount,
    ).toBe(3);
  });

  it("update is partial, replaces conditions wholly, refreshes updatedAt and never mutates", async () => {
    const snapshot = structuredClone(created);
    const renamed = updateSegment(created, { name: "United States" }, { now: t1 });
    expect(renamed).toEqual({
      segment: { ...created, name: "United States", updatedAt: "2026-02-01T00:00:00.000Z" },
      conditionsChanged: false,
    });
    const cleared = updateSegment(created, { description: null }, { now: t1 });
    expect(cleared.segment.description).toBeNull();
    const changed = updateSegment(created, { conditions: { $and: [SUBSCRIBED] } }, { now: t1 });
    expect(changed.conditionsChanged).toBe(true);
    expect(changed.segment.conditions).toEqual({ $and: [SUBSCRIBED] });
    expect(changed.segment.memberCount).toBeNull();
    expect(changed.segment.createdAt).toBe(created.createdAt);
    expect(
      updateSegment(created, { conditions: SUBSCRIBED }, { now: t1, contacts: CONTACTS }).segment.memberCount,
    ).toBe(2);
    expect(
      (await updateSegment(created, { conditions: SUBSCRIBED }, { now: t1, contacts: slowly(CONTACTS) })).segment
        .memberCount,
    ).toBe(2);
    expect(updateSegment(created, { conditions: { ...US } }, { now: t1, contacts: [] })).toMatchObject({
      conditionsChanged: false,
      segment: { memberCount: 3 },
    });
    expect(created).toEqual(snapshot);
  });

  it.each([
    [{ name: "   " }, "invalid_value", ["name"]],
    [{ name: "x".repeat(101) }, "invalid_value", ["name"]],
    [{ name: 5 }, "invalid_type", ["name"]],
    [{ description: "x".repeat(501) }, "invalid_value", ["description"]],
    [{ nme: "x" }, "unknown_key", ["nme"]],
    [
      { conditions: { $and: [US, { field: "status", operator: "like", value: 1 }] } },
      "unknown_operator",
      ["conditions", "$and", 1, "operator"],
    ],
    [{ conditions: null }, "invalid_type", ["conditions"]],
  ])("update refuses %j", (body, code, path) => {
    try {
      updateSegment(created, body as never, { now: t1 });
      throw new Error("accepted");
    } catch (e) {
      expect(e).toBeInstanceOf(ConditionError);
      expect((e as ConditionError).issues[0]).toMatchObject({ code, path });
    }
  });

  it("create requires name and conditions", () => {
    expect(() => createSegment({ name: "x" }, { id: "s" })).toThrow(/"conditions" is required/);
    expect(() => createSegment({ conditions: US }, { id: "s" })).toThrow(/"name" is required/);
  });

  it("preview shows the change before saving, and changes nothing", async () => {
    const preview = previewSegmentUpdate(created, { conditions: SUBSCRIBED }, CONTACTS, { now: t1 });
    expect(preview).toEqual({
      segment: { ...created, conditions: SUBSCRIBED, memberCount: 2, updatedAt: "2026-02-01T00:00:00.000Z" },
      before: 3,
      after: 2,
      entered: ["c"],
      left: ["b", "d"],
    });
    expect(await previewSegmentUpdate(created, { conditions: SUBSCRIBED }, slowly(CONTACTS), { now: t1 })).toEqual(
      preview,
    );
    expect(created.conditions).toEqual(US);
  });
});

describe("the lifecycle counted where the contacts are", () => {
  const t0 = new Date("2026-01-01T00:00:00.000Z");
  const t1 = new Date("2026-02-01T00:00:00.000Z");
  /** A database over `docs`: each count is a filter over them, as a database would run it; answers sync or async. */
  const database = (docs: readonly Record<string, unknown>[], async: boolean) => {
    const calls: string[] = [];
    const later = <T>(x: T) => (async ? Promise.resolve(x) : x);
    return {
      calls,
      count: (compiled: CompiledCondition, at: Date) => {
        calls.push(`count ${at.toISOString()}`);
        return later(docs.filter((d) => compiled.matchesAt(d, at)).length);
      },
      list: (compiled: CompiledCondition, limit: number, at: Date) => {
        calls.push(`list ${limit}`);
        return later(
          docs
            .filter((d) => compiled.matchesAt(d, at))
            .slice(0, limit)
            .map((d) => String(d._id ?? d.id)),
        );
      },
    };
  };

  it("create, update and preview answer what they answer over the contacts themselves (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        conditionArb,
        conditionArb,
        fc.array(docArb, { maxLength: 8 }),
        fc.boolean(),
        fc.integer({ min: 1, max: 4 }),
        async (before, after, raw, async, limit) => {
          const docs = raw.map((d, i) => ({ ...d, _id: `c${i}` }));
          const db = database(docs, async);
          const made = await createSegment({ name: "s", conditions: before }, { id: "s", now: t0, count: db.count });
          expect(made).toEqual(createSegment({ name: "s", conditions: before }, { id: "s", now: t0, contacts: docs }));
          const updated = await updateSegment(made, { conditions: after }, { now: t1, count: db.count });
          expect(updated).toEqual(updateSegment(made, { conditions: after }, { now: t1, contacts: docs }));
          const preview = await previewSegmentUpdate(made, { conditions: after }, db, { now: t1, limit });
          const whole = previewSegmentUpdate(made, { conditions: after }, docs, { now: t1 });
          expect(preview).toEqual({
            segment: whole.segment,
            before: whole.before,
            after: whole.after,
            // The first `limit` in the database's order (here, the documents').
            entered: whole.entered.slice(0, limit),
            left: whole.left.slice(0, limit),
          });
        },
      ),
      { numRuns: runs(1_000) },
    );
  });

  it("gives the count the call's instant, counts only what changed, and returns a promise even for a sync count", async () => {
    const db = database(CONTACTS, false);
    const made = createSegment({ name: "US", conditions: US }, { id: "s", now: t0, count: db.count });
    expect(made).toBeInstanceOf(Promise);
    const segment = await made;
    expect(segment.memberCount).toBe(3);
    expect(db.calls).toEqual(["count 2026-01-01T00:00:00.000Z"]);
    const renamed = updateSegment(segment, { name: "United States" }, { now: t1, count: db.count });
    expect(renamed).toBeInstanceOf(Promise);
    expect((await renamed).segment.memberCount).toBe(3);
    expect(db.calls).toHaveLength(1);
    const preview = await previewSegmentUpdate(segment, { conditions: SUBSCRIBED }, db, { now: t1 });
    expect(preview).toEqual({
      segment: { ...segment, conditions: SUBSCRIBED, memberCount: 2, updatedAt: "2026-02-01T00:00:00.000Z" },
      before: 3,
      after: 2,
      entered: ["c"],
      left: ["b", "d"],
    });
    expect(db.calls.slice(1)).toEqual([
      "count 2026-02-01T00:00:00.000Z",
      "count 2026-02-01T00:00:00.000Z",
      "list 20",
      "list 20",
    ]);
    // Without list: counts only. Without a change of conditions: one count, nothing listed.
    expect(await previewSegmentUpdate(segment, { conditions: SUBSCRIBED }, { count: db.count }, { now: t1 })).toEqual({
      segment: preview.segment,
      before: 3,
      after: 2,
    });
    expect(await previewSegmentUpdate(segment, { name: "x" }, db, { now: t1 })).toMatchObject({
      before: 3,
      after: 3,
      entered: [],
      left: [],
    });
    // Relative dates: the count gets the instant its timestamps say.
    const recent = { field: "createdAt", operator: "gte", value: "now-7d" } as const;
    const at: string[] = [];
    const dated = await createSegment(
      { name: "new", conditions: recent },
      {
        id: "r",
        now: t1,
        fields: TEST_CATALOG,
        count: (compiled, instant) => (at.push(JSON.stringify(compiled.filterAt(instant))), 0),
      },
    );
    expect(at).toEqual(['{"createdAt":{"$gte":"2026-01-25T00:00:00.000Z"}}']);
    expect(dated.memberCount).toBe(0);
    // A bigint or a string of digits, as drivers give int8.
    expect(
      (await createSegment({ name: "x", conditions: US }, { id: "x", count: () => 5n as never })).memberCount,
    ).toBe(5);
    expect(
      (await createSegment({ name: "x", conditions: US }, { id: "x", count: () => "7" as never })).memberCount,
    ).toBe(7);
    // A repository's methods, called on it.
    class Repository {
      readonly docs = CONTACTS;
      count(compiled: CompiledCondition) {
        return this.docs.filter(compiled.matches).length;
      }
    }
    expect(
      await previewSegmentUpdate(segment, { conditions: SUBSCRIBED }, new Repository(), { now: t1 }),
    ).toMatchObject({
      before: 3,
      after: 2,
    });
    const engine = createSegmatch();
    expect(
      await engine.previewSegmentUpdate(segment, { conditions: SUBSCRIBED }, db, { now: t1, limit: 1 }),
    ).toMatchObject({
      entered: ["c"],
      left: ["b"],
    });
    expect((await engine.createSegment({ name: "US", conditions: US }, { id: "s", count: db.count })).memberCount).toBe(
      3,
    );
  });

  it("refuses a bad count, list or limit with a ConditionError at its option, before or after asking the database", async () => {
    const segment = createSegment({ name: "US", conditions: US }, { id: "s", now: t0 });
    const body = { name: "x", conditions: US };
    const refused = async (run: () => unknown) => {
      try {
        await run();
      } catch (error) {
        expect(error).toBeInstanceOf(ConditionError);
        return (error as ConditionError).issues.map((i) => [i.code, i.path]);
      }
      throw new Error("accepted");
    };
    expect(await refused(() => createSegment(body, { id: "s", count: 3 as never }))).toEqual([
      ["invalid_options", ["options", "count"]],
    ]);
    expect(await refused(() => createSegment(body, { id: "s", count: () => 1, contacts: [] as never }))).toEqual([
      ["invalid_options", ["options", "count"]],
    ]);
    for (const bad of [-1, 1.5, Number.NaN, "x", "-1", null, undefined, {}, 2 ** 53])
      expect(await refused(() => createSegment(body, { id: "s", count: () => bad as never })), String(bad)).toEqual([
        ["invalid_type", ["options", "count"]],
      ]);
    expect(
      await refused(() =>
        createSegment(body, {
          id: "s",
          count: () => {
            throw new Error("connection reset");
          },
        }),
      ),
    ).toEqual([["unreadable_input", ["options", "count"]]]);
    expect(
      await refused(() => createSegment(body, { id: "s", count: () => Promise.reject(new Error("timeout")) })),
    ).toEqual([["unreadable_input", ["options", "count"]]]);
    expect(
      await refused(() =>
        updateSegment(segment, { conditions: SUBSCRIBED }, { count: () => Promise.reject(new Error("down")) }),
      ),
    ).toEqual([["unreadable_input", ["options", "count"]]]);
    // A ConditionError the count raises (toSql refusing a condition, say) is its own.
    const own = new ConditionError([{ code: "invalid_type", path: ["x"], message: "m" } as never]);
    expect(
      await refused(() =>
        createSegment(body, {
          id: "s",
          count: () => {
            throw own;
          },
        }),
      ),
    ).toEqual([["invalid_type", ["x"]]]);
    const db = database(CONTACTS, true);
    const change = { conditions: SUBSCRIBED };
    for (const limit of [0, 101, 1.5, "5"])
      expect(await refused(() => previewSegmentUpdate(segment, change, db, { limit: limit as never }))).toEqual([
        ["invalid_options", ["options", "limit"]],
      ]);
    expect(await refused(() => previewSegmentUpdate(segment, change, CONTACTS, { limit: 5 } as never))).toEqual([
      ["invalid_options", ["options", "limit"]],
    ]);
    expect(await refused(() => previewSegmentUpdate(segment, change, db, { id: () => "x" } as never))).toEqual([
      ["invalid_options", ["options", "id"]],
    ]);
    expect(await refused(() => previewSegmentUpdate(segment, change, { count: 1 } as never))).toEqual([
      ["invalid_type", ["contacts", "count"]],
    ]);
    expect(await refused(() => previewSegmentUpdate(segment, change, { count: db.count, list: "x" } as never))).toEqual(
      [["invalid_type", ["contacts", "list"]]],
    );
    expect(
      await refused(() =>
        previewSegmentUpdate(segment, change, { count: db.count, list: () => ["a", "b", "c"] }, { limit: 2 }),
      ),
    ).toEqual([["invalid_type", ["contacts", "list"]]]);
    expect(
      await refused(() => previewSegmentUpdate(segment, change, { count: db.count, list: () => [{}] as never })),
    ).toEqual([["invalid_type", ["contacts", "list"]]]);
    expect(
      await refused(() => previewSegmentUpdate(segment, change, { count: () => Promise.reject(new Error("x")) })),
    ).toEqual([["unreadable_input", ["contacts", "count"]]]);
  });

  it("rejects, rather than throws, when a count makes the call a promise", async () => {
    const db = database(CONTACTS, false);
    const segment = createSegment({ name: "US", conditions: US }, { id: "s", now: t0 });
    const made = createSegment({ name: " ", conditions: US }, { id: "s", count: db.count });
    expect(made).toBeInstanceOf(Promise);
    await expect(made).rejects.toMatchObject({ issues: [{ code: "invalid_value", path: ["name"] }] });
    const updated = updateSegment(segment, { nme: "x" }, { count: db.count });
    await expect(updated).rejects.toMatchObject({ issues: [{ code: "unknown_key", path: ["nme"] }] });
    const preview = previewSegmentUpdate(segment, { conditions: US }, db, { limit: 0 });
    await expect(preview).rejects.toMatchObject({ issues: [{ code: "invalid_options", path: ["options", "limit"] }] });
  });

  it("lists at the deepest conditions the limits allow, the ceiling too", async () => {
    const engine = createSegmatch({ limits: { maxDepth: 46 } });
    let deep: Condition = US;
    for (let i = 1; i < 46; i++) deep = { $not: deep } as Condition;
    const segment = engine.createSegment({ name: "deep", conditions: deep }, { id: "d", now: t0 });
    const preview = await engine.previewSegmentUpdate(segment, { conditions: SUBSCRIBED }, database(CONTACTS, false));
    expect(preview).toMatchObject({ before: 2, after: 2, entered: ["a"], left: ["e"] });
  });

  it("lists the entering and leaving of segments at the deepest conditions the limits allow", async () => {
    let deep: Condition = US;
    for (let i = 1; i < 32; i++) deep = { $not: deep } as Condition;
    const segment = createSegment({ name: "deep", conditions: deep }, { id: "d", now: t0 });
    const preview = await previewSegmentUpdate(segment, { conditions: US }, database(CONTACTS, false), { now: t1 });
    expect(preview).toMatchObject({ before: 2, after: 3 });
    expect(preview.entered).toEqual(["a", "b", "d"]);
  });
});

describe("a diff's bound", () => {
  it("refuses more than 10,000,000 entering and leaving contacts with a ConditionError, before V8's array limit aborts the process", () => {
    function* contacts() {
      for (let i = 0; i <= 10_000_000; i++) yield { a: i % 2 };
    }
    const started = Date.now();
    const zero = { field: "a", operator: "eq", value: 0 } as const;
    const one = { field: "a", operator: "eq", value: 1 } as const;
    expect(refusal(() => diffMembership(zero, one, contacts(), { id: () => "x" }))).toEqual([
      ["too_many_items", ["contacts"]],
    ]);
    console.log(`10,000,001 changes refused after ${Date.now() - started} ms`);
  }, 60_000);
});

describe("the default contact id", () => {
  it('refuses a contact with neither _id nor id, rather than naming every such contact "undefined"', () => {
    const us = { field: "country", operator: "eq", value: "US" };
    const fr = { field: "country", operator: "eq", value: "FR" };
    expect(refusal(() => diffMembership(us, fr, [{ country: "US" }]))).toEqual([["invalid_type", ["contacts"]]]);
    expect(diffMembership(us, fr, [{ country: "US" }], { id: () => "x" })).toEqual({
      entered: [],
      left: ["x"],
      count: 0,
    });
    expect(diffMembership(us, fr, [{ _id: null, id: 7, country: "US" }])).toEqual({
      entered: [],
      left: ["7"],
      count: 0,
    });
  });
});
