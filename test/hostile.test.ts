/**
 * Every exported function and method, given any argument, either works or throws a
 * ConditionError with codes and paths (never another exception, a crash or a hang), and a
 * failed call leaves every object it was given, and the index, exactly as before. A contact
 * source or a document that fails while it is read may pass its own error through.
 */
import { describe, expect, it } from "vitest";
import * as segmatch from "../src/index.js";
import * as kibamail from "../src/kibamail/index.js";
import {
  compileCondition,
  ConditionError,
  contactFields,
  createSegmatch,
  countMembers,
  countMembersMany,
  createSegment,
  createSegmentIndex,
  defineFields,
  diffMembership,
  changeStreamMatch,
  conditionJsonSchema,
  describeFields,
  membershipChangeSql,
  toSql,
  explainCondition,
  formatPath,
  fromMongoQuery,
  isConditionError,
  issueMessage,
  membershipChangeFilters,
  parseCondition,
  previewSegmentUpdate,
  safeParseCondition,
  toMongoFilter,
  toPredicate,
  updateSegment,
  type Segment,
  type SegmentIndex,
} from "../src/index.js";
import { sameValue } from "../src/segments/segment-index.js";
import { refusal } from "./refusal.js";

const US = { field: "country", operator: "eq", value: "US" };
const NEWS = { subscribedToTopic: ["news"] };
const CONTACTS = [
  { id: "a", country: "US", topics: ["news"] },
  { id: "b", country: "FR" },
  { id: "c", country: "US" },
];
const NOW = new Date("2026-01-01T00:00:00Z");
const SEGMENT = createSegment({ name: "US", conditions: US }, { id: "s1", now: NOW }) as Segment;
const ENGINE = createSegmatch({ mongoVersion: "9.0" });

/** Values no argument should choke on. Each is made fresh, since some are consumed or revoked. */
const HOSTILE: Record<string, () => unknown> = {
  "a revoked proxy": () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    return proxy;
  },
  "a proxy whose every trap throws": () =>
    new Proxy(
      {},
      new Proxy(
        {},
        {
          get: () => () => {
            throw new Error("trap");
          },
        },
      ),
    ),
  "an object whose getters throw": () =>
    Object.defineProperties(
      {},
      Object.fromEntries(
        [
          "field",
          "operator",
          "value",
          "id",
          "now",
          "fields",
          "name",
          "conditions",
          "0",
          "length",
          "object",
          "memberCount",
        ].map((k) => [
          k,
          {
            enumerable: true,
            get: () => {
              throw new Error(`getter ${k}`);
            },
          },
        ]),
      ),
    ),
  "a proxy that answers every property": () => {
    const answer: unknown = new Proxy(() => undefined, {
      get: (_t, k) => (k === Symbol.toPrimitive ? () => "x" : answer),
      apply: () => answer,
    });
    return new Proxy({}, { get: (_t, k) => (typeof k === "symbol" ? undefined : answer), has: () => true });
  },
  "a copy of a compiled condition": () => ({ ...compileCondition(US) }),
  "a proxy of a compiled condition": () => new Proxy(compileCondition(US), {}),
  null: () => null,
  undefined: () => undefined,
  NaN: () => Number.NaN,
  "a string": () => "x",
  "a 10 MB string": () => "x".repeat(10_000_000),
  "a symbol": () => Symbol("s"),
  "a bigint": () => 10n,
  "a function": () => () => 1,
  "an empty array": () => [],
  "an empty object": () => ({}),
  "a Map": () => new Map([["a", US]]),
  "an invalid Date": () => new Date(Number.NaN),
  "a class instance": () =>
    new (class Contact {
      country = "US";
    })(),
  "an object nested 100,000 levels": () => {
    let v: Record<string, unknown> = {};
    for (let i = 0; i < 100_000; i++) v = { $not: v, a: v };
    return v;
  },
  "a cyclic object": () => {
    const v: Record<string, unknown> = { field: "a", operator: "eq" };
    v.value = v;
    v.$and = [v];
    return v;
  },
};

interface Call {
  /** Valid arguments; one at a time is replaced by a hostile value. */
  readonly args: () => unknown[];
  readonly run: (...args: unknown[]) => unknown;
  /** Positions that are contact sources or documents, whose own read errors may pass through. */
  readonly sources?: readonly number[];
  /** Must never throw at all. */
  readonly neverThrows?: boolean;
}

/** The index the `index.*` calls work on: made afresh for each case. */
let INDEX: SegmentIndex;

/** What an index answers: to compare it before and after a failed call. */
function indexState(index: SegmentIndex) {
  return {
    size: index.size,
    has: ["us", "news", "x"].map((id) => index.has(id)),
    match: CONTACTS.map((c) => index.match(c)),
    changes: [
      index.changes(CONTACTS[0], CONTACTS[1]),
      index.changes({ country: "FR" }, { country: "US", topics: ["news"] }),
    ],
  };
}

function makeIndex(): SegmentIndex {
  const index = createSegmentIndex();
  index.set("us", US);
  index.set("news", NEWS);
  return index;
}

const SQL_OPTIONS = { fields: contactFields, sql: { table: "c", id: "id", topics: { column: "topics" } } };

const CALLS: Record<string, Call> = {
  parseCondition: { args: () => [US, undefined], run: (a, b) => parseCondition(a, b as never) },
  safeParseCondition: {
    args: () => [US, undefined],
    run: (a, b) => safeParseCondition(a, b as never),
    neverThrows: true,
  },
  compileCondition: { args: () => [US, undefined], run: (a, b) => compileCondition(a, b as never) },
  toMongoFilter: { args: () => [US, undefined], run: (a, b) => toMongoFilter(a, b as never) },
  toPredicate: { args: () => [US, undefined], run: (a, b) => toPredicate(a, b as never) },
  "compiled.matches": { args: () => [CONTACTS[0]], run: (doc) => compileCondition(US).matches(doc), sources: [0] },
  formatPath: { args: () => [["$and", 1, "operator"]], run: (p) => formatPath(p as never) },
  issueMessage: {
    args: () => [
      { code: "invalid_type", reason: "condition", path: [], expected: "a plain object", received: "an array" },
    ],
    run: (i) => issueMessage(i as never),
    neverThrows: true,
  },
  "new ConditionError": {
    args: () => [[{ code: "invalid_type", path: [], message: "m" }]],
    run: (i) => new ConditionError(i as never),
    neverThrows: true,
  },
  defineFields: {
    args: () => [contactFields, { score: { type: "number" } }],
    run: (a, b) => defineFields(a as never, b as never),
  },
  countMembers: {
    args: () => [US, CONTACTS, undefined],
    run: (a, b, c) => countMembers(a, b as never, c as never),
    sources: [1],
  },
  countMembersMany: {
    args: () => [{ us: US, news: NEWS }, CONTACTS, undefined],
    run: (a, b, c) => countMembersMany(a as never, b as never, c as never),
    sources: [1],
  },
  diffMembership: {
    args: () => [US, NEWS, CONTACTS, undefined],
    run: (a, b, c, d) => diffMembership(a, b, c as never, d as never),
    sources: [2],
  },
  membershipChangeFilters: {
    args: () => [US, NEWS, undefined],
    run: (a, b, c) => membershipChangeFilters(a, b, c as never),
  },
  createSegmentIndex: { args: () => [undefined], run: (a) => createSegmentIndex(a as never) },
  "index.set": { args: () => ["us", NEWS], run: (a, b) => INDEX.set(a as never, b) },
  "index.delete": { args: () => ["us"], run: (a) => INDEX.delete(a as never) },
  "index.has": { args: () => ["us"], run: (a) => INDEX.has(a as never) },
  "index.match": { args: () => [CONTACTS[0]], run: (a) => INDEX.match(a), sources: [0] },
  "index.changes": { args: () => [CONTACTS[0], CONTACTS[1]], run: (a, b) => INDEX.changes(a, b), sources: [0, 1] },
  createSegment: {
    args: () => [
      { name: "x", conditions: US },
      { id: "s", now: NOW },
    ],
    run: (a, b) => createSegment(a as never, b as never),
  },
  createSegmatch: { args: () => [{ mongoVersion: "9.0" }], run: (a) => createSegmatch(a as never) },
  "engine.parseCondition": { args: () => [US], run: (a) => ENGINE.parseCondition(a) },
  "engine.safeParseCondition": { args: () => [US], run: (a) => ENGINE.safeParseCondition(a), neverThrows: true },
  "engine.compileCondition": { args: () => [US], run: (a) => ENGINE.compileCondition(a) },
  "engine.toMongoFilter": { args: () => [US], run: (a) => ENGINE.toMongoFilter(a) },
  "engine.toPredicate": { args: () => [US], run: (a) => ENGINE.toPredicate(a) },
  "engine.countMembers": {
    args: () => [US, CONTACTS],
    run: (a, b) => ENGINE.countMembers(a, b as never),
    sources: [1],
  },
  "engine.countMembersMany": {
    args: () => [{ us: US }, CONTACTS],
    run: (a, b) => ENGINE.countMembersMany(a as never, b as never),
    sources: [1],
  },
  "engine.diffMembership": {
    args: () => [US, NEWS, CONTACTS, undefined],
    run: (a, b, c, d) => ENGINE.diffMembership(a, b, c as never, d as never),
    sources: [2],
  },
  "engine.membershipChangeFilters": { args: () => [US, NEWS], run: (a, b) => ENGINE.membershipChangeFilters(a, b) },
  "engine.createIndexCondition": { args: () => [], run: () => ENGINE.createSegmentIndex() },
  "engine.createSegment": {
    args: () => [
      { name: "x", conditions: US },
      { id: "s", now: NOW },
    ],
    run: (a, b) => ENGINE.createSegment(a as never, b as never),
  },
  "engine.updateSegment": {
    args: () => [SEGMENT, { name: "y" }, { now: NOW }],
    run: (a, b, c) => ENGINE.updateSegment(a as never, b as never, c as never),
  },
  "engine.previewSegmentUpdate": {
    args: () => [SEGMENT, { conditions: NEWS }, CONTACTS, { now: NOW }],
    run: (a, b, c, d) => ENGINE.previewSegmentUpdate(a as never, b as never, c as never, d as never),
    sources: [2],
  },
  explainCondition: { args: () => [US, undefined], run: (a, b) => explainCondition(a, b as never) },
  fromMongoQuery: { args: () => [{ country: "US" }, undefined], run: (a, b) => fromMongoQuery(a, b as never) },
  changeStreamMatch: { args: () => [US], run: (a) => changeStreamMatch(a as never) },
  describeFields: { args: () => [{ fields: contactFields }], run: (a) => describeFields(a as never) },
  conditionJsonSchema: { args: () => [{ fields: contactFields }], run: (a) => conditionJsonSchema(a as never) },
  toSql: { args: () => [US, SQL_OPTIONS], run: (a, b) => toSql(a, b as never) },
  membersPageSql: {
    args: () => [US, SQL_OPTIONS, { limit: 10, after: "c1" }],
    run: (a, b, c) => segmatch.membersPageSql(a, b as never, c as never),
  },
  countMembersManySql: {
    args: () => [{ us: US, news: NEWS }, SQL_OPTIONS],
    run: (a, b) => segmatch.countMembersManySql(a as never, b as never),
  },
  countMembersManyPipeline: {
    args: () => [{ us: US, news: NEWS }, undefined],
    run: (a, b) => segmatch.countMembersManyPipeline(a as never, b as never),
  },
  segmentMembersSql: {
    args: () => ["s1", US, SQL_OPTIONS, { table: "segment_members" }],
    run: (a, b, c, d) => segmatch.segmentMembersSql(a as never, b, c as never, d as never),
  },
  contactMembershipsSql: {
    args: () => [{ us: US, news: NEWS }, ["c1"], SQL_OPTIONS, undefined],
    run: (a, b, c, d) => segmatch.contactMembershipsSql(a as never, b as never, c as never, d as never),
  },
  membersLockSql: {
    args: () => [{ contacts: ["c1"] }, { scope: { column: "workspaceId", value: "w" } }],
    run: (a, b) => segmatch.membersLockSql(a as never, b as never),
  },
  "segmentMembersSql.read": {
    args: () => [[{ change: "entered", contact: "c1" }]],
    run: (a) => segmatch.segmentMembersSql("s1", US, SQL_OPTIONS as never).read(a),
  },
  "createSegment (count)": {
    args: () => [
      { name: "x", conditions: US },
      { id: "s", now: NOW, count: () => 1 },
    ],
    run: (a, b) => segmatch.createSegment(a as never, b as never),
  },
  "updateSegment (count)": {
    args: () => [SEGMENT, { conditions: NEWS }, { now: NOW, count: () => 1 }],
    run: (a, b, c) => segmatch.updateSegment(a as never, b as never, c as never),
  },
  "previewSegmentUpdate (database)": {
    args: () => [SEGMENT, { conditions: NEWS }, { count: () => 1, list: () => ["a"] }, { now: NOW, limit: 5 }],
    run: (a, b, c, d) => segmatch.previewSegmentUpdate(a as never, b as never, c as never, d as never),
  },
  "countMembersManyPipeline.read": {
    args: () => [[{ s0: 1, s1: 2 }]],
    run: (a) => segmatch.countMembersManyPipeline({ us: US, news: NEWS }).read(a),
  },
  membershipChangeSql: { args: () => [US, NEWS, SQL_OPTIONS], run: (a, b, c) => membershipChangeSql(a, b, c as never) },
  "engine.conditionJsonSchema": { args: () => [], run: () => ENGINE.conditionJsonSchema() },
  isConditionError: { args: () => [new ConditionError([])], run: (a) => isConditionError(a), neverThrows: true },
  "error.flatten": {
    args: () => [[{ code: "invalid_type", path: ["a", 1], message: "m" }]],
    run: (i) => new ConditionError(i as never).flatten(),
    neverThrows: true,
  },
  "engine.explainCondition": { args: () => [US], run: (a) => ENGINE.explainCondition(a) },
  "engine.fromMongoQuery": { args: () => [{ country: "US" }], run: (a) => ENGINE.fromMongoQuery(a) },
  "engine.describeFields": { args: () => [], run: () => ENGINE.describeFields() },
  catalogFromProperties: {
    args: () => [[{ name: "Plan", type: "STRING", slot: "propertyString0" }]],
    run: (a) => kibamail.catalogFromProperties(a),
  },
  liftStoredCondition: {
    args: () => [US, { properties: [{ name: "Plan", type: "STRING", slot: "propertyString0" }] }],
    run: (a, b) => kibamail.liftStoredCondition(a, b as never),
  },
  toPlatformError: {
    args: () => [new ConditionError([]), { requestId: "req_0123456789abcdef01234567" }],
    run: (a, b) => kibamail.toPlatformError(a, b as never),
  },
  impactReport: {
    args: () => [
      [{ id: "s1", conditions: US }],
      { properties: [], db: { query: async () => ({ rows: [{ members: 1, entering: 0, leaving: 0 }] }) } },
    ],
    run: (a, b) => kibamail.impactReport(a as never, b as never),
  },
  updateSegment: {
    args: () => [SEGMENT, { name: "y" }, { now: NOW }],
    run: (a, b, c) => updateSegment(a as never, b as never, c as never),
  },
  previewSegmentUpdate: {
    args: () => [SEGMENT, { conditions: NEWS }, CONTACTS, { now: NOW }],
    run: (a, b, c, d) => previewSegmentUpdate(a as never, b as never, c as never, d as never),
    sources: [2],
  },
};

/** A deep copy of plain data (and Dates), to compare an argument before and after a call. */
function snapshot(value: unknown): unknown {
  if (value instanceof Date) return new Date(value.getTime());
  if (Array.isArray(value)) return value.map(snapshot);
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, snapshot(v)]));
  return value;
}

async function outcome(run: () => unknown): Promise<{ ok: true } | { ok: false; error: unknown }> {
  try {
    const result = run();
    if (result instanceof Promise) await result;
    return { ok: true };
  } catch (error) {
    return { ok: false, error };
  }
}

function expectConditionError(error: unknown, where: string): void {
  if (!(error instanceof ConditionError))
    throw new Error(
      `${where}: threw ${String((error as Error)?.name)}: ${String((error as Error)?.message).slice(0, 200)}`,
    );
  expect(error.issues.length).toBeGreaterThan(0);
  for (const issue of error.issues) {
    expect(typeof issue.code).toBe("string");
    expect(Array.isArray(issue.path)).toBe(true);
    expect(issue.message.length).toBeGreaterThan(0);
  }
}

describe("every export refuses hostile arguments with a ConditionError, and changes nothing", () => {
  it("covers every exported function", () => {
    const functions = [...Object.entries(segmatch), ...Object.entries(kibamail)]
      .filter(([, v]) => typeof v === "function")
      .map(([k]) => k);
    for (const name of functions)
      expect(
        Object.keys(CALLS).some(
          (c) => c === name || c === `new ${name}` || (name === "createSegmentIndex" && c.startsWith("index.")),
        ),
      ).toBe(true);
  });

  const cases = Object.entries(CALLS).flatMap(([name, call]) =>
    call.args().flatMap((_, position) => Object.keys(HOSTILE).map((hostile) => [name, position, hostile] as const)),
  );
  it.each(cases)("%s, argument %i: %s", async (name, position, hostile) => {
    const call = CALLS[name]!;
    const args = call.args();
    args[position] = HOSTILE[hostile]!();
    const before = args.map((a, i) => (i === position ? undefined : snapshot(a)));
    INDEX = makeIndex();
    const indexBefore = indexState(INDEX);
    const result = await outcome(() => call.run(...args));
    if (!result.ok) expect(indexState(INDEX)).toEqual(indexBefore);
    if (!result.ok) {
      if (call.neverThrows) throw new Error(`${name} threw: ${String(result.error)}`);
      const mayPassThrough = call.sources?.includes(position) && !(result.error instanceof ConditionError);
      if (!mayPassThrough) expectConditionError(result.error, `${name}(argument ${position} = ${hostile})`);
    }
    args.forEach((a, i) => {
      if (i !== position) expect(snapshot(a)).toEqual(before[i]);
    });
  });
});

describe("a failed index call leaves the index exactly as it was", () => {
  const state = indexState;
  it.each(Object.keys(HOSTILE))("set(id, %s) after a valid set of that id", (hostile) => {
    const index = makeIndex();
    index.set("x", { field: "country", operator: "eq", value: "FR" });
    const before = state(index);
    try {
      index.set("x", HOSTILE[hostile]!());
    } catch (error) {
      expectConditionError(error, `set("x", ${hostile})`);
    }
    expect(state(index)).toEqual(before);
  });
  it("set with a bad id, delete and has with bad ids change nothing", () => {
    const index = makeIndex();
    const before = state(index);
    for (const id of [5, null, undefined, {}, Symbol("s")]) {
      expect(() => index.set(id as never, US)).toThrow(ConditionError);
      expect(() => index.delete(id as never)).toThrow(ConditionError);
      expect(() => index.has(id as never)).toThrow(ConditionError);
    }
    expect(state(index)).toEqual(before);
  });
  it("a forged compiled condition is compiled as raw input, so it is refused", () => {
    const forged = new Proxy(compileCondition(US), {});
    expect(() => makeIndex().set("x", forged)).toThrow(ConditionError);
    expect(() => countMembers(forged, CONTACTS)).toThrow(ConditionError);
  });
});

describe("the refusals the issue names", () => {
  const codeAndPath = refusal;
  it("defineFields with a throwing getter or a revoked proxy", () => {
    expect(codeAndPath(() => defineFields(HOSTILE["a revoked proxy"]!() as never))).toEqual([
      ["invalid_catalog", ["base"]],
    ]);
    expect(
      codeAndPath(() =>
        defineFields(contactFields, {
          get score(): never {
            throw new Error("x");
          },
        } as never),
      ),
    ).toEqual([["invalid_catalog", ["extra"]]]);
  });
  it("createSegment without options, or with a bad id or now", () => {
    expect(codeAndPath(() => createSegment({ name: "x", conditions: US }, undefined as never))).toEqual([
      ["invalid_options", ["options"]],
    ]);
    expect(codeAndPath(() => createSegment({ name: "x", conditions: US }, {} as never))).toEqual([
      ["missing_key", ["options", "id"]],
    ]);
    expect(
      codeAndPath(() => createSegment({ name: "x", conditions: US }, { id: "s", now: new Date(Number.NaN) })),
    ).toEqual([["invalid_options", ["options", "now"]]]);
  });
  it("countMembersMany with null, and with duplicate ids in pairs", () => {
    expect(codeAndPath(() => countMembersMany(null as never, []))).toEqual([["invalid_type", ["segments"]]]);
    expect(
      codeAndPath(() =>
        countMembersMany(
          [
            ["a", US],
            ["a", NEWS],
          ],
          [],
        ),
      ),
    ).toEqual([["duplicate_id", ["segments", 1, 0]]]);
    expect(codeAndPath(() => countMembersMany({ a: US, b: { field: "x", operator: "like", value: 1 } }, []))).toEqual([
      ["unknown_operator", ["segments", "b", "operator"]],
    ]);
  });
  it("a segment name of 101 emoji is 101 characters; lone surrogates are refused", () => {
    const emoji = "😀".repeat(101);
    expect(() => createSegment({ name: emoji, conditions: US }, { id: "s" })).toThrow(
      "name must be 1 to 100 characters after trimming, not 101",
    );
    expect(createSegment({ name: "😀".repeat(100), conditions: US }, { id: "s" }).name).toBe("😀".repeat(100));
    expect(codeAndPath(() => createSegment({ name: "a\uD800", conditions: US }, { id: "s" }))).toEqual([
      ["invalid_string", ["name"]],
    ]);
    expect(codeAndPath(() => updateSegment(SEGMENT, { description: "\uDC00" }))).toEqual([
      ["invalid_string", ["description"]],
    ]);
  });
  it("updateSegment checks the segment it is given", () => {
    expect(codeAndPath(() => updateSegment({ ...SEGMENT, memberCount: -1 }, { name: "y" }))).toEqual([
      ["invalid_value", ["segment", "memberCount"]],
    ]);
    expect(
      codeAndPath(() => updateSegment({ ...SEGMENT, conditions: { field: "a" } } as never, { name: "y" })),
    ).toEqual([
      ["missing_key", ["segment", "conditions", "operator"]],
      ["missing_key", ["segment", "conditions", "value"]],
    ]);
  });
});

describe("MongoDB's $regex limit bounds the string operators, as its depth limit bounds maxDepth", () => {
  const limits = { maxStringLength: 100_000 };
  it.each([
    ["contains", "a".repeat(32_764), true],
    ["contains", "a".repeat(32_765), false],
    ["startsWith", "a".repeat(32_763), true], // "^" takes one byte
    ["startsWith", "a".repeat(32_764), false],
    ["endsWith", "a".repeat(32_764 - 10), true], // the end-of-string lookahead takes ten
    ["endsWith", "a".repeat(32_764 - 9), false],
    ["contains", ".".repeat(16_382), true], // each metacharacter is escaped: two bytes
    ["contains", ".".repeat(16_383), false],
    ["contains", "é".repeat(16_382), true], // two UTF-8 bytes each
    ["contains", "\0".repeat(8_191), true], // NUL is written \x00: four bytes
    ["contains", "\0".repeat(8_192), false],
  ] as const)("%s of %#", (operator, value, accepted) => {
    const condition = { field: "s", operator, value };
    if (accepted) {
      const pattern = (compileCondition(condition, { limits }).filter.s as { $regex: string }).$regex;
      expect(new TextEncoder().encode(pattern).length).toBeLessThanOrEqual(32_764);
    } else {
      try {
        compileCondition(condition, { limits });
        expect.unreachable();
      } catch (error) {
        expect((error as ConditionError).issues).toMatchObject([{ code: "too_long", path: ["value"] }]);
        expect((error as ConditionError).message).toMatch(/MongoDB's limit of 32764/);
      }
    }
  });
});

describe("options are read once, and hostile values inside them are refused", () => {
  /** A getter that answers `first` the first `k` times it is read, then `later`. */
  const flipping = (k: number, first: unknown, later: unknown) => {
    let n = 0;
    return () => (n++ < k ? first : later);
  };
  it("a mongoVersion getter that changes its answer is read once: one version, no TypeError", () => {
    for (const k of [1, 2, 5]) {
      const options = Object.defineProperty({}, "mongoVersion", { enumerable: true, get: flipping(k, "7.0", "6.0") });
      expect(
        compileCondition({ field: "a", operator: "exists", value: false }, options).matches({ a: undefined }),
      ).toBe(true);
      const opts2 = Object.defineProperty({}, "mongoVersion", { enumerable: true, get: flipping(k, "8.0", "6.0") });
      expect(countMembers(US, CONTACTS, opts2)).toBe(2);
    }
  });
  it("an index keeps the options it resolved; a layout getter cannot make changes() unsound", () => {
    const topics = Object.defineProperty({}, "layout", { enumerable: true, get: flipping(1, "ids", "records") });
    const index = createSegmentIndex({ topics });
    index.set("s", NEWS);
    expect(index.match({ topics: ["news"] })).toEqual(["s"]);
    expect(index.changes({ topics: [] }, { topics: ["news"] })).toEqual({ entered: ["s"], left: [] });
    const options: { mongoVersion: "7.0" | "9.0" } = { mongoVersion: "7.0" };
    const later = createSegmentIndex(options);
    options.mongoVersion = "9.0";
    later.set("n", { field: "a", operator: "exists", value: false });
    expect(later.match({ a: undefined })).toEqual(["n"]); // still 7.0
  });
  it.each([
    ["a proxy of a Date", () => new Proxy(new Date(), {})],
    ["an object with Date's prototype", () => Object.setPrototypeOf({}, Date.prototype) as Date],
    ["a revoked proxy", () => HOSTILE["a revoked proxy"]!() as Date],
    ["an invalid Date", () => new Date(Number.NaN)],
    ["an instant beyond a Date's range", () => 8.7e15],
  ])("now: %s is refused at options.now", (_name, make) => {
    for (const run of [
      () => createSegment({ name: "x", conditions: US }, { id: "s", now: make() }),
      () => updateSegment(SEGMENT, { name: "y" }, { now: make() }),
      () => previewSegmentUpdate(SEGMENT, { name: "y" }, CONTACTS, { now: make() }),
    ]) {
      try {
        run();
        expect.unreachable();
      } catch (error) {
        expectConditionError(error, "now");
        expect((error as ConditionError).issues[0]!.path).toEqual(["options", "now"]);
      }
    }
  });
  it("now: epoch milliseconds and a clock function are instants too", () => {
    const at = Date.UTC(2026, 2, 1);
    expect(createSegment({ name: "x", conditions: US }, { id: "s", now: at })).toMatchObject({
      createdAt: "2026-03-01T00:00:00.000Z",
    });
    expect(createSegment({ name: "x", conditions: US }, { id: "s", now: () => new Date(at) })).toMatchObject({
      updatedAt: "2026-03-01T00:00:00.000Z",
    });
  });
  it("a Date with its own toISOString cannot forge the timestamps", () => {
    const now = new Date("2026-03-01T00:00:00Z");
    Object.defineProperty(now, "toISOString", { value: () => 42 });
    expect(createSegment({ name: "x", conditions: US }, { id: "s", now }).createdAt).toBe("2026-03-01T00:00:00.000Z");
  });
  it("a segment's timestamps must be ISO-8601", () => {
    expect(() => updateSegment({ ...SEGMENT, createdAt: "not a date" }, { name: "y" })).toThrow(/segment\.createdAt/);
  });
  it("hostile values inside options: a getter that throws, a revoked proxy as topics or limits", () => {
    const throwing = Object.defineProperty({}, "fields", {
      enumerable: true,
      get: () => {
        throw new Error("boom");
      },
    });
    for (const options of [
      throwing,
      { topics: HOSTILE["a revoked proxy"]!() },
      { limits: HOSTILE["a proxy whose every trap throws"]!() },
      { fields: { x: HOSTILE["a revoked proxy"]!() } },
    ]) {
      for (const run of [
        () => compileCondition(US, options as never),
        () => countMembers(US, CONTACTS, options as never),
        () => countMembersMany({ a: US }, CONTACTS, options as never),
        () => membershipChangeFilters(US, NEWS, options as never),
        () => diffMembership(US, NEWS, CONTACTS, options as never),
        () => createSegmentIndex(options as never),
        () =>
          createSegment(
            { name: "x", conditions: US },
            Object.defineProperties({ id: "s" }, Object.getOwnPropertyDescriptors(options)),
          ),
      ]) {
        try {
          run();
          expect.unreachable();
        } catch (error) {
          expectConditionError(error, "options");
          // Option issues keep their own path, never under a condition's.
          for (const issue of (error as ConditionError).issues) expect(issue.path[0]).toBe("options");
        }
      }
    }
  });
});

describe("pathological sizes end quickly", () => {
  it("index.changes on documents that share subtrees (a DAG) answers without walking every branch", () => {
    const dag = (d: number) => {
      let n: Record<string, unknown> = { x: 1 };
      for (let i = 0; i < d; i++) n = { l: n, r: n, x: 1 };
      return n;
    };
    const index = createSegmentIndex();
    index.set("s", { field: "a.x", operator: "eq", value: 1 });
    expect(index.changes({ a: dag(40) }, { a: dag(40) })).toEqual({ entered: [], left: [] });
    expect(index.changes({ a: dag(40) }, { a: { x: 2 } })).toEqual({ entered: [], left: ["s"] });
  });
  it("a ConditionError from an array-like of 2^32-1 items, and formatPath of a huge path, are bounded", () => {
    const huge = new Proxy([], { get: (t, k) => (k === "length" ? 2 ** 32 - 1 : Reflect.get(t, k)) });
    expect(new ConditionError(huge as never).issues.length).toBeLessThanOrEqual(10_000);
    expect(() => formatPath(huge as never)).toThrow(ConditionError);
  });
  it("countMembersMany refuses an endless iterable of segments", () => {
    function* endless() {
      for (let i = 0; ; i++) yield [`s${i}`, US] as const;
    }
    expect(() => countMembersMany(endless(), [])).toThrow(/more than 1000000 segments/);
  });
  it("the default contact id keeps object ids apart, and reads ObjectId-like ids as hex", () => {
    const diff = diffMembership(US, NEWS, [
      { _id: { a: 1 }, country: "US" },
      { _id: { a: 2 }, country: "US" },
      { _id: Object.create(null) as object, country: "US" },
      { _id: { toHexString: () => "64b0" }, country: "US" },
    ]);
    expect(diff.left).toEqual(['{"a":1}', '{"a":2}', "{}", "64b0"]);
  });
});

describe("review cases: forging, hostile throws, polluted prototypes", () => {
  it("the class behind a compiled condition cannot make one, and exposes nothing", () => {
    const compiled = compileCondition(US);
    const C = Object.getPrototypeOf(compiled).constructor as new (...args: unknown[]) => unknown;
    expect(
      refusal(
        () =>
          new C(
            Symbol("segmatch.compiled"),
            {},
            { kind: "leaf", path: ["$where"], test: "eq", value: 1, origin: { from: "$and" } },
            {},
          ),
      ),
    ).toEqual([["invalid_type", []]]);
    expect(Object.getOwnPropertyNames(C).filter((n) => !["length", "name", "prototype"].includes(n))).toEqual([]);
    expect(Object.isFrozen(C)).toBe(true);
  });

  it("a proxy of a compiled condition reads as no compiled condition, with a ConditionError", () => {
    const proxy = new Proxy(compileCondition(US), {});
    expect(refusal(() => proxy.filter)).toEqual([["invalid_type", []]]);
    expect(refusal(() => JSON.stringify(proxy))).toEqual([["invalid_type", []]]);
  });

  it("a getter that throws a revoked proxy, or a proxy whose prototype trap throws, is unreadable input", () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const trap = new Proxy(
      {},
      {
        getPrototypeOf: () => {
          throw new Error("trap");
        },
      },
    );
    for (const thrown of [revoked.proxy, trap]) {
      expect(
        refusal(() =>
          compileCondition({
            get field(): never {
              throw thrown;
            },
            operator: "eq",
            value: 1,
          } as unknown),
        ),
      ).toEqual([["unreadable_input", ["field"]]]);
    }
  });

  it("index.changes sees a field that is own on one side and inherited from a polluted Object.prototype on the other", () => {
    const index = createSegmentIndex();
    index.set("pro", { field: "plan", operator: "eq", value: "pro" });
    const proto = Object.prototype as Record<string, unknown>;
    proto.plan = "pro";
    try {
      expect(index.changes({ plan: "pro" }, {})).toEqual({ entered: [], left: ["pro"] });
    } finally {
      delete proto.plan;
    }
  });
});

describe("a list of 2^32 - 1 holes (free to make) is refused by its length, before anything walks it", () => {
  const holes = () => {
    const big: unknown[] = [];
    big.length = 2 ** 32 - 1;
    return big;
  };
  const SQL = {
    fields: { country: { type: "string" } },
    sql: { table: "c", id: "id", topics: { column: "t" } },
  } as const;
  it.each([
    [
      "defineFields, an enum's values",
      () => defineFields({ plan: { type: "enum", values: holes() as never } }),
      ["base", "plan", "values"],
    ],
    [
      "createSegmatch, an enum's values",
      () => createSegmatch({ fields: { plan: { type: "enum", values: holes() as never } } }),
      ["options", "fields", "plan", "values"],
    ],
    [
      "describeFields, an enum's values",
      () => describeFields({ fields: { plan: { type: "enum", values: holes() as never } } }),
      ["options", "fields", "plan", "values"],
    ],
    ["changeStreamMatch, an $and", () => changeStreamMatch({ $and: holes() } as never), ["$and"]],
    ["catalogFromProperties", () => kibamail.catalogFromProperties(holes()), ["properties"]],
    [
      "toPlatformError, a prefix",
      () => kibamail.toPlatformError(new ConditionError([]), { requestId: "r", prefix: holes() as never }),
      ["options", "prefix"],
    ],
    [
      "contactMembershipsSql, the contact ids",
      () => segmatch.contactMembershipsSql({}, holes() as never, SQL),
      ["contactIds"],
    ],
    [
      "membersLockSql, the contacts",
      () => segmatch.membersLockSql({ contacts: holes() as never }),
      ["change", "contacts"],
    ],
  ])("%s", (_name, run, path) => {
    // Walking 2^32 - 1 holes would take minutes and gigabytes: the test's own timeout catches it.
    expect(refusal(run).map(([, p]) => p)).toContainEqual(path);
  });

  it("a ConditionError whose issue has such a path puts the generic issue in its place", () => {
    const error = new ConditionError([{ code: "invalid_type", path: holes() as never, message: "m" }]);
    expect(error.issues).toEqual([expect.objectContaining({ code: "invalid_type", reason: "not_an_issue", path: [] })]);
  });
  it("the index compares two such lists as different (a safe answer) without walking them", () => {
    expect(sameValue(holes(), holes())).toBe(false);
    expect(sameValue({ a: [1, { b: [2] }] }, { a: [1, { b: [2] }] })).toBe(true);
    // Equal values count against the budget too: a million equal elements, then different.
    const many = () => Array.from({ length: 1_000_001 }, () => 1);
    expect(sameValue(many(), many())).toBe(false);
    expect(sameValue(many().slice(1_000), many().slice(1_000))).toBe(true);
    // Bytes compare as bytes, within the budget (listing a typed array's names lists every index).
    const bytes = (n: number, last = 0) => Object.assign(new Uint8Array(n), { [n - 1]: last });
    expect(sameValue({ sub_type: 0, buffer: bytes(16) }, { sub_type: 0, buffer: bytes(16) })).toBe(true);
    expect(sameValue({ buffer: bytes(16) }, { buffer: bytes(16, 1) })).toBe(false);
    expect(sameValue({ buffer: bytes(16) }, { buffer: new Uint16Array(8) })).toBe(false);
    expect(sameValue(bytes(16 * 2 ** 20), bytes(16 * 2 ** 20))).toBe(false);
  });
});

describe("a walk reads each document once per path segment", () => {
  it("a 100-level document of one-element arrays, read by numeric paths: the two ways down meet (was 2^n steps)", () => {
    // {0: [{0: [… 7]}]}: at each array, segment "0" selects the element and also reads the element's field "0".
    let doc: unknown = 7;
    for (let i = 0; i < 50; i++) doc = { 0: [doc] };
    const zeros = (n: number) => Array.from({ length: n }, () => "0").join(".");
    const answers = (n: number, value: number) => {
      const compiled = compileCondition({ field: zeros(n), operator: "eq", value });
      const index = createSegmentIndex();
      index.set("s", { field: zeros(n), operator: "eq", value });
      // The closures, then the generated code, and the index's shared leaves.
      const tiers = [compiled.matches(doc)];
      for (let i = 0; i < 1_100; i++) compiled.matches({});
      tiers.push(compiled.matches(doc), index.match(doc).includes("s"));
      return tiers;
    };
    // 7 is reached by any 50 to 100 segments (each array's "0" either selects or reads through), by no fewer or more.
    expect(answers(100, 7)).toEqual([true, true, true]);
    expect(answers(75, 7)).toEqual([true, true, true]);
    expect(answers(50, 7)).toEqual([true, true, true]);
    expect(answers(49, 7)).toEqual([false, false, false]);
    expect(answers(101, 7)).toEqual([false, false, false]);
    expect(answers(100, 8)).toEqual([false, false, false]);
  });
});

describe("bounded however it is called: error paths, forged errors, catalog strings, SQL names", () => {
  it("a ConditionError copies at most 1,000,000 path keys over its issues; the rest become the fallback issue", () => {
    const path = Array.from({ length: 10_000 }, (_, i) => i);
    const error = new ConditionError(
      Array.from({ length: 150 }, () => ({ code: "invalid_type" as const, path, message: "m" })),
    );
    expect(error.issues).toHaveLength(150);
    expect(error.issues[99]!.path).toHaveLength(10_000);
    expect(error.issues[100]).toMatchObject({ code: "invalid_type", path: [] });
    expect(error.issues[100]!.message).not.toBe("m");
  });

  it("toPlatformError copies a branded object's issues through the constructor (the brand can be forged)", () => {
    const forged = Object.defineProperty({}, Symbol.for("segmatch.ConditionError"), { value: true });
    Object.defineProperty(forged, "issues", {
      get() {
        throw new Error("boom");
      },
    });
    expect(refusal(() => kibamail.toPlatformError(forged, { requestId: "r" }))).toEqual([
      ["unreadable_input", ["error"]],
    ]);
    const odd = Object.defineProperty(
      { issues: [{ code: "x", path: [1, {}], message: "m" }, 5] },
      Symbol.for("segmatch.ConditionError"),
      {
        value: true,
      },
    );
    const body = kibamail.toPlatformError(odd, { requestId: "r" }).body.error;
    expect(body.validationErrors.map((e) => e.field)).toEqual(["", ""]);
  });

  it("a segment's long name is refused, trailing spaces trimmed first; a long time zone is refused before ICU reads it", () => {
    const huge = "x".repeat(2 ** 26);
    expect(
      refusal(() =>
        segmatch.createSegment(
          { name: huge, conditions: { field: "a", operator: "eq", value: 1 } },
          { id: "s", now: 0 },
        ),
      ),
    ).toEqual([["invalid_value", ["name"]]]);
    const padded = segmatch.createSegment(
      { name: `VIP${" ".repeat(1_500)}`, conditions: { field: "a", operator: "eq", value: 1 } },
      { id: "s", now: 0 },
    );
    expect(padded.name).toBe("VIP");
    expect(refusal(() => compileCondition({ field: "a", operator: "eq", value: 1 }, { timeZone: huge }))).toEqual([
      ["invalid_options", ["options", "timeZone"]],
    ]);
  });

  it("catalog names, paths and enum values, and topics.path, are refused by their length before they are split", () => {
    const long = "a.".repeat(2 ** 22) + "a";
    expect(refusal(() => defineFields({ f: { type: "string", path: long } }))).toEqual([
      ["invalid_catalog", ["base", "f", "path"]],
    ]);
    expect(refusal(() => defineFields({ [long]: { type: "string" } })).map(([code]) => code)).toEqual([
      "invalid_catalog",
    ]);
    expect(refusal(() => defineFields({ plan: { type: "enum", values: ["a", "x".repeat(4_097)] as never } }))).toEqual([
      ["invalid_catalog", ["base", "plan", "values"]],
    ]);
    expect(defineFields({ plan: { type: "enum", values: ["a", "x".repeat(4_096)] } }).plan).toBeDefined();
    expect(refusal(() => compileCondition({ subscribedToTopic: ["t"] }, { topics: { path: long } }))).toEqual([
      ["invalid_options", ["options", "topics", "path"]],
    ]);
    expect(() => compileCondition({ subscribedToTopic: ["t"] }, { topics: { path: long } })).toThrow(
      /is longer than 4096 characters/,
    );
  });
});

describe("options are strict everywhere: inherited names are unknown keys too", () => {
  it.each(["toString", "constructor", "__proto__", "hasOwnProperty", "bogus"])("limits.%s", (key) => {
    const limits = JSON.parse(`{${JSON.stringify(key)}: 5}`) as never;
    expect(refusal(() => compileCondition({ field: "a", operator: "eq", value: 1 }, { limits }))).toEqual([
      ["invalid_options", ["options", "limits", key]],
    ]);
  });
});

describe("options.sql: what the SQL reader reads is read once, when the options are given; nothing else is read", () => {
  const C = { field: "country", operator: "eq", value: "NG" } as const;
  const FIELDS = { country: { type: "string" } } as const;
  /** A value whose every read is counted (a proxy over an object with a getter), or that throws when read. */
  const traps = () => {
    const reads = { n: 0 };
    const proxy = new Proxy({ a: 1 }, { get: () => (reads.n++, "x"), ownKeys: () => (reads.n++, ["a"]) });
    const revocable = Proxy.revocable({}, {});
    revocable.revoke();
    return {
      reads,
      values: [
        proxy,
        revocable.proxy,
        new Uint8Array(2 ** 20),
        new String("table"),
        {
          get x() {
            throw new Error("boom");
          },
        },
      ],
    };
  };
  const placements = (value: unknown) => [
    { at: ["table"], sql: { table: value, id: "id", topics: { column: "t" } }, reason: "sql_identifier" },
    {
      at: ["columns", "country"],
      sql: { table: "c", id: "id", columns: { country: value }, topics: { column: "t" } },
      reason: "sql_identifier",
    },
    {
      at: ["topics", "table"],
      sql: { table: "c", id: "id", topics: { table: [value], contactId: "c", topicId: "t", status: "s" } },
      reason: "sql_identifier",
    },
    {
      at: ["paramOffset"],
      sql: { table: "c", id: "id", topics: { column: "t" }, paramOffset: value },
      reason: "option_value",
    },
  ];

  it("compileCondition carries them unread; toSql and createSegmatch refuse them by their type, at their path", () => {
    const { reads, values } = traps();
    for (const value of values)
      for (const { at, sql, reason } of placements(value)) {
        const options = { fields: FIELDS, sql } as never;
        expect(compileCondition(C, options).matches({ country: "NG" })).toBe(true);
        for (const run of [
          () => toSql(C, options),
          () => createSegmatch(options),
          () => toSql(compileCondition(C, options)),
        ]) {
          const result = (() => {
            try {
              run();
              return undefined;
            } catch (error) {
              return error;
            }
          })();
          expect(result).toBeInstanceOf(ConditionError);
          expect((result as ConditionError).issues).toMatchObject([
            { path: ["options", "sql", ...at], code: "invalid_options", reason },
          ]);
        }
      }
    expect(reads.n).toBe(0);
  });

  it("its problems are reported with the other options' and before the condition's", () => {
    const bad = { table: "", id: "id", topics: { column: "t" } };
    const paths = (run: () => unknown) => {
      try {
        run();
        return [];
      } catch (error) {
        return (error as ConditionError).issues.map((i) => i.path.join("."));
      }
    };
    expect(paths(() => createSegmatch({ limits: { maxDepth: 0 }, sql: bad }))).toEqual([
      "options.limits.maxDepth",
      "options.sql.table",
    ]);
    expect(paths(() => toSql({ field: "", operator: "eq", value: 1 }, { fields: FIELDS, sql: bad } as never))).toEqual([
      "options.sql.table",
    ]);
  });
});
