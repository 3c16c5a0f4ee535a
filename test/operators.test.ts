/**
 * One table per operator: the condition, the filter it compiles to, and what it matches on
 * documents with the value missing, null, in an array, nested, and of another type. Every
 * row is checked on every evaluator tier (tiers.ts: closures, generated code, the compiled
 * `matches` cold and hot, the segment index, countMembersMany's shared leaves and counter)
 * and against the reference (mingo, or MongoDB's rule where they differ).
 */
import { describe, expect, it } from "vitest";
import { compileCondition, type Condition } from "../src/index.js";
import { reference } from "./reference/deviations.js";
import { expectAllTiers, itRanEveryTier, TIERS } from "./tiers.js";

interface Row {
  readonly doc: Record<string, unknown>;
  readonly matches: boolean;
}
interface Case {
  readonly condition: Condition;
  readonly filter: Record<string, unknown>;
  readonly rows: readonly Row[];
}

const missing = {};
const CASES: Record<string, Case> = {
  "eq string": {
    condition: { field: "country", operator: "eq", value: "US" },
    filter: { country: { $eq: "US" } },
    rows: [
      { doc: { country: "US" }, matches: true },
      { doc: { country: "us" }, matches: false },
      { doc: missing, matches: false },
      { doc: { country: null }, matches: false },
      { doc: { country: ["FR", "US"] }, matches: true },
      { doc: { country: [["US"]] }, matches: false },
      { doc: { country: { code: "US" } }, matches: false },
    ],
  },
  "eq number never matches a numeric string, a boolean or a date": {
    condition: { field: "age", operator: "eq", value: 18 },
    filter: { age: { $eq: 18 } },
    rows: [
      { doc: { age: 18 }, matches: true },
      { doc: { age: 18.0 }, matches: true },
      { doc: { age: "18" }, matches: false },
      { doc: { age: [17, 18] }, matches: true },
      { doc: { age: new Date(18) }, matches: false },
      { doc: missing, matches: false },
    ],
  },
  "eq 0 is not false, and -0 is 0": {
    condition: { field: "n", operator: "eq", value: 0 },
    filter: { n: { $eq: 0 } },
    rows: [
      { doc: { n: false }, matches: false },
      { doc: { n: -0 }, matches: true },
      { doc: { n: null }, matches: false },
    ],
  },
  "eq boolean": {
    condition: { field: "vip", operator: "eq", value: true },
    filter: { vip: { $eq: true } },
    rows: [
      { doc: { vip: true }, matches: true },
      { doc: { vip: 1 }, matches: false },
      { doc: { vip: "true" }, matches: false },
    ],
  },
  "ne matches missing, null and other types": {
    condition: { field: "country", operator: "ne", value: "FR" },
    filter: { country: { $ne: "FR" } },
    rows: [
      { doc: { country: "US" }, matches: true },
      { doc: { country: "FR" }, matches: false },
      { doc: missing, matches: true },
      { doc: { country: null }, matches: true },
      { doc: { country: ["US", "FR"] }, matches: false },
      { doc: { country: 7 }, matches: true },
    ],
  },
  "gt number: same type only, NaN never": {
    condition: { field: "score", operator: "gt", value: 5 },
    filter: { score: { $gt: 5 } },
    rows: [
      { doc: { score: 6 }, matches: true },
      { doc: { score: 5 }, matches: false },
      { doc: { score: "10" }, matches: false },
      { doc: { score: true }, matches: false },
      { doc: { score: [1, 10] }, matches: true },
      { doc: { score: Infinity }, matches: true },
      { doc: { score: Number.NaN }, matches: false },
      { doc: missing, matches: false },
      { doc: { score: null }, matches: false },
    ],
  },
  "gte string: code point order": {
    condition: { field: "name", operator: "gte", value: "b" },
    filter: { name: { $gte: "b" } },
    rows: [
      { doc: { name: "b" }, matches: true },
      { doc: { name: "ba" }, matches: true },
      { doc: { name: "a" }, matches: false },
      { doc: { name: "B" }, matches: false },
      { doc: { name: 5 }, matches: false },
    ],
  },
  "gt beyond the BMP: U+1F600 sorts after U+FFFF": {
    condition: { field: "s", operator: "gt", value: "\uFFFF" },
    filter: { s: { $gt: "\uFFFF" } },
    rows: [
      { doc: { s: "\u{1F600}" }, matches: true },
      { doc: { s: "\uE000" }, matches: false },
    ],
  },
  "lt beyond the BMP: U+E000 sorts before U+1F600": {
    condition: { field: "s", operator: "lt", value: "\u{1F600}" },
    filter: { s: { $lt: "\u{1F600}" } },
    rows: [
      { doc: { s: "\uE000" }, matches: true },
      { doc: { s: "\u{1F601}" }, matches: false },
      { doc: { s: "\u{1F5FF}" }, matches: true },
    ],
  },
  "lte boolean: false < true": {
    condition: { field: "b", operator: "lte", value: false },
    filter: { b: { $lte: false } },
    rows: [
      { doc: { b: false }, matches: true },
      { doc: { b: true }, matches: false },
      { doc: { b: 0 }, matches: false },
    ],
  },
  "in: any of, by type": {
    condition: { field: "plan", operator: "in", value: ["pro", 3] },
    filter: { plan: { $in: ["pro", 3] } },
    rows: [
      { doc: { plan: "pro" }, matches: true },
      { doc: { plan: 3 }, matches: true },
      { doc: { plan: "3" }, matches: false },
      { doc: { plan: ["free", "pro"] }, matches: true },
      { doc: missing, matches: false },
      { doc: { plan: null }, matches: false },
    ],
  },
  "nin matches missing and null": {
    condition: { field: "country", operator: "nin", value: ["FR", "DE"] },
    filter: { country: { $nin: ["FR", "DE"] } },
    rows: [
      { doc: { country: "US" }, matches: true },
      { doc: { country: "FR" }, matches: false },
      { doc: missing, matches: true },
      { doc: { country: null }, matches: true },
      { doc: { country: ["US", "DE"] }, matches: false },
    ],
  },
  "contains: a literal, never regex syntax": {
    condition: { field: "email", operator: "contains", value: "a.b+c" },
    filter: { email: { $regex: "a\\.b\\+c" } },
    rows: [
      { doc: { email: "xa.b+cx" }, matches: true },
      { doc: { email: "aXbbc" }, matches: false },
      { doc: { email: ["zzz", "a.b+c"] }, matches: true },
      { doc: { email: 5 }, matches: false },
      { doc: missing, matches: false },
    ],
  },
  "contains is case-sensitive": {
    condition: { field: "email", operator: "contains", value: "ACME" },
    filter: { email: { $regex: "ACME" } },
    rows: [
      { doc: { email: "x@acme.com" }, matches: false },
      { doc: { email: "x@ACME.com" }, matches: true },
    ],
  },
  "startsWith anchors at the start only": {
    condition: { field: "phone", operator: "startsWith", value: "+44" },
    filter: { phone: { $regex: "^\\+44" } },
    rows: [
      { doc: { phone: "+44 20" }, matches: true },
      { doc: { phone: "0+44" }, matches: false },
      { doc: { phone: "x\n+44" }, matches: false },
    ],
  },
  "endsWith does not match before a final newline (PCRE's $ would)": {
    condition: { field: "s", operator: "endsWith", value: "bc" },
    filter: { s: { $regex: "bc(?![\\s\\S])" } },
    rows: [
      { doc: { s: "abc" }, matches: true },
      { doc: { s: "abc\n" }, matches: false },
      { doc: { s: "bcd" }, matches: false },
    ],
  },
  "endsWith with metacharacters and a newline inside": {
    condition: { field: "s", operator: "endsWith", value: "$)\n" },
    filter: { s: { $regex: "\\$\\)\n(?![\\s\\S])" } },
    rows: [
      { doc: { s: "x$)\n" }, matches: true },
      { doc: { s: "x$)" }, matches: false },
    ],
  },
  "contains NUL is escaped (MongoDB refuses a NUL byte in a pattern)": {
    condition: { field: "s", operator: "contains", value: "a\u0000b" },
    filter: { s: { $regex: "a\\x00b" } },
    rows: [
      { doc: { s: "xa\u0000b" }, matches: true },
      { doc: { s: "ab" }, matches: false },
    ],
  },
  "exists true: set to a value other than null": {
    condition: { field: "phone", operator: "exists", value: true },
    filter: { phone: { $ne: null } },
    rows: [
      { doc: { phone: "1" }, matches: true },
      { doc: { phone: "" }, matches: true },
      { doc: { phone: 0 }, matches: true },
      { doc: { phone: [] }, matches: true },
      { doc: { phone: null }, matches: false },
      // BSON undefined is a value to MongoDB 8.0 (the default version); see versions.test.ts for 7.0.
      { doc: { phone: undefined }, matches: true },
      { doc: missing, matches: false },
      { doc: { phone: [null] }, matches: false },
    ],
  },
  "exists false: missing or null": {
    condition: { field: "phone", operator: "exists", value: false },
    filter: { phone: { $eq: null } },
    rows: [
      { doc: missing, matches: true },
      { doc: { phone: null }, matches: true },
      { doc: { phone: "1" }, matches: false },
      { doc: { phone: [] }, matches: false },
    ],
  },
  "dot path through objects and arrays": {
    condition: { field: "address.city", operator: "eq", value: "Paris" },
    filter: { "address.city": { $eq: "Paris" } },
    rows: [
      { doc: { address: { city: "Paris" } }, matches: true },
      { doc: { address: [{ city: "Lyon" }, { city: "Paris" }] }, matches: true },
      { doc: { address: [[{ city: "Paris" }]] }, matches: false },
      { doc: { address: "Paris" }, matches: false },
      { doc: { "address.city": "Paris" }, matches: false },
    ],
  },
  "numeric segment: a position and a key": {
    condition: { field: "items.0", operator: "eq", value: "x" },
    filter: { "items.0": { $eq: "x" } },
    rows: [
      { doc: { items: ["x", "y"] }, matches: true },
      { doc: { items: ["y", "x"] }, matches: false },
      { doc: { items: [{ 0: "x" }] }, matches: true },
      { doc: { items: { 0: "x" } }, matches: true },
    ],
  },
  "inherited properties are not fields": {
    condition: { field: "toString", operator: "exists", value: true },
    filter: { toString: { $ne: null } },
    rows: [
      { doc: {}, matches: false },
      { doc: { toString: "x" }, matches: true },
    ],
  },
  "subscribedToTopic: any of": {
    condition: { subscribedToTopic: ["news", "deals"] },
    filter: { topics: { $in: ["news", "deals"] } },
    rows: [
      { doc: { topics: ["deals"] }, matches: true },
      { doc: { topics: ["other"] }, matches: false },
      { doc: { topics: [] }, matches: false },
      { doc: missing, matches: false },
    ],
  },
  "notSubscribedToTopic: none of (missing topics included)": {
    condition: { notSubscribedToTopic: ["news"] },
    filter: { topics: { $nin: ["news"] } },
    rows: [
      { doc: { topics: ["deals"] }, matches: true },
      { doc: { topics: ["news", "deals"] }, matches: false },
      { doc: missing, matches: true },
    ],
  },
  "both topic keys hold together, in one field object": {
    condition: { subscribedToTopic: ["news"], notSubscribedToTopic: ["deals"] },
    filter: { topics: { $in: ["news"], $nin: ["deals"] } },
    rows: [
      { doc: { topics: ["news"] }, matches: true },
      { doc: { topics: ["news", "deals"] }, matches: false },
      { doc: { topics: [] }, matches: false },
    ],
  },
  "$and, $or and $not in one object all hold, as one filter object": {
    condition: {
      $and: [{ field: "a", operator: "eq", value: 1 }],
      $or: [
        { field: "b", operator: "eq", value: 2 },
        { field: "c", operator: "eq", value: 3 },
      ],
      $not: { field: "d", operator: "eq", value: 4 },
    },
    filter: {
      $and: [{ a: { $eq: 1 } }],
      $or: [{ b: { $eq: 2 } }, { c: { $eq: 3 } }],
      $nor: [{ d: { $eq: 4 } }],
    },
    rows: [
      { doc: { a: 1, b: 2 }, matches: true },
      { doc: { a: 1, c: 3, d: 5 }, matches: true },
      { doc: { a: 1, b: 2, d: 4 }, matches: false },
      { doc: { b: 2 }, matches: false },
    ],
  },
  "$not keeps contacts whose field is empty": {
    condition: { $not: { field: "country", operator: "eq", value: "FR" } },
    filter: { $nor: [{ country: { $eq: "FR" } }] },
    rows: [
      { doc: missing, matches: true },
      { doc: { country: null }, matches: true },
      { doc: { country: "FR" }, matches: false },
    ],
  },
};

describe.each(Object.entries(CASES))("%s", (_name, { condition, filter, rows }) => {
  const compiled = compileCondition(condition);
  it("compiles to the expected filter", () => {
    expect(compiled.filter).toEqual(filter);
  });
  it.each(
    rows.map(
      (row) =>
        [
          JSON.stringify(row.doc, (_k, v: unknown) =>
            v === undefined ? "undefined" : typeof v === "number" && !Number.isFinite(v) ? String(v) : v,
          ),
          row,
        ] as const,
    ),
  )("on %s", (_label, { doc, matches }) => {
    expectAllTiers(condition, doc, matches);
    expect(reference(compiled.filter as Record<string, unknown>, doc).matches).toBe(matches);
  });
});

describe("compiled conditions", () => {
  it("report the fields and topics they read, each once", () => {
    const c = compileCondition({
      $or: [
        { field: "country", operator: "eq", value: "US" },
        { field: "address.city", operator: "exists", value: true },
        { field: "country", operator: "ne", value: "FR" },
        { subscribedToTopic: ["t1", "t2"], notSubscribedToTopic: ["t1"] },
      ],
    });
    expect(c.fields).toEqual(["country", "address.city"]);
    expect(c.topics).toEqual(["t1", "t2"]);
  });

  it("are frozen, keep the condition as given, and do not share the caller's objects", () => {
    const input = { $and: [{ field: "a", operator: "in", value: [1, 2] }] };
    const c = compileCondition(input);
    expect(c.condition).toEqual(input);
    expect(c.condition).not.toBe(input);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.filter)).toBe(true);
    input.$and[0]!.value.push(3);
    expect(c.matches({ a: 3 })).toBe(false);
    expect(c.filter).toEqual({ $and: [{ a: { $in: [1, 2] } }] });
  });

  it("treat a non-object document as one with no fields", () => {
    for (const doc of [null, undefined, 5, "x", [1], new Date(0)])
      expectAllTiers({ field: "a", operator: "exists", value: false }, doc, true);
  });

  it("read topics from options.topics.path", () => {
    const c = compileCondition({ subscribedToTopic: ["t1"] }, { topics: { path: "subscriptions.ids" } });
    expect(c.filter).toEqual({ "subscriptions.ids": { $in: ["t1"] } });
    expectAllTiers({ subscribedToTopic: ["t1"] }, { subscriptions: { ids: ["t1"] } }, true, {
      topics: { path: "subscriptions.ids" },
    });
    expectAllTiers({ subscribedToTopic: ["t1"] }, { topics: ["t1"] }, false, { topics: { path: "subscriptions.ids" } });
  });
});

itRanEveryTier([...TIERS]);
