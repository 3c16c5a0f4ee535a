/**
 * The typed field catalog: refusals with their paths and suggestions, typed values compiled
 * to the field's storage (the same in the filter and the predicate), and the records layout
 * of topic subscriptions. Table rows are checked on every evaluator tier (tiers.ts).
 */
import { describe, expect, it } from "vitest";
import {
  ConditionError,
  compileCondition,
  contactFields,
  defineFields,
  parseCondition,
  safeParseCondition,
  toMongoFilter,
  toPredicate,
  type Condition,
  type FieldCatalog,
} from "../src/index.js";
import { reference } from "./reference/deviations.js";
import { expectAllTiers, itRanEveryTier, TIERS } from "./tiers.js";

const FIELDS = defineFields(contactFields, {
  lifetime_value: { type: "number", path: "properties.lifetime_value" },
  "Join Date": { type: "date", path: "properties.join_date", storage: "epochMillis" },
  favourite_colour: { type: "string", path: "properties.p7" },
  vip: { type: "boolean" },
});
const options = { fields: FIELDS };

function refusal(condition: unknown, opts: Parameters<typeof safeParseCondition>[1] = options) {
  const r = safeParseCondition(condition, opts);
  if (r.success) throw new Error(`accepted ${JSON.stringify(condition)}`);
  return r.error.issues.map(({ code, path, message }) => ({ code, path: [...path], message }));
}

describe("refusals with a catalog", () => {
  it.each([
    [
      "unknown field, with the closest names",
      { field: "contry", operator: "eq", value: "US" },
      "unknown_field",
      ["field"],
      /unknown field "contry" \(did you mean "country"\?\)/,
    ],
    [
      "unknown field with no close name lists known ones",
      { field: "zzzzzzzz", operator: "eq", value: "US" },
      "unknown_field",
      ["field"],
      /known fields: email, firstName/,
    ],
    [
      "a path is not a field name",
      { field: "properties.lifetime_value", operator: "gt", value: 1 },
      "unknown_field",
      ["field"],
      /did you mean "lifetime_value"/,
    ],
    [
      "contains on a number",
      { field: "lifetime_value", operator: "contains", value: "1" },
      "invalid_operator",
      ["operator"],
      /"contains" does not apply to number field "lifetime_value" \(use one of eq, ne, gt, gte, lt, lte, in, nin, exists\)/,
    ],
    [
      "range on an enum",
      { field: "status", operator: "gt", value: "BOUNCED" },
      "invalid_operator",
      ["operator"],
      /enum field "status" \(use one of eq, ne, in, nin, exists\)/,
    ],
    [
      "range on a boolean",
      { field: "vip", operator: "lt", value: true },
      "invalid_operator",
      ["operator"],
      /boolean field "vip"/,
    ],
    [
      "startsWith on a date",
      { field: "createdAt", operator: "startsWith", value: "2024" },
      "invalid_operator",
      ["operator"],
      /date field "createdAt"/,
    ],
    [
      "a number field refuses a numeric string",
      { field: "lifetime_value", operator: "gte", value: "1000" },
      "invalid_value",
      ["value"],
      /must be a number, not "1000" \(write 1000, without quotes\)/,
    ],
    [
      "a string field refuses a number",
      { field: "country", operator: "eq", value: 1 },
      "invalid_value",
      ["value"],
      /field "country" is a string: the value must be a string, not 1/,
    ],
    [
      "a boolean field refuses a string",
      { field: "vip", operator: "eq", value: "true" },
      "invalid_value",
      ["value"],
      /must be true or false/,
    ],
    [
      "an enum value outside the set, with the nearest",
      { field: "status", operator: "eq", value: "subscribed" },
      "invalid_value",
      ["value"],
      /"subscribed" is not one of SUBSCRIBED, UNCONFIRMED, UNSUBSCRIBED, BOUNCED, COMPLAINED, ARCHIVED \(did you mean "SUBSCRIBED"\?\)/,
    ],
    [
      "an enum list item, with its index",
      { field: "status", operator: "in", value: ["SUBSCRIBED", "BOUNCD"] },
      "invalid_value",
      ["value", 1],
      /did you mean "BOUNCED"/,
    ],
    [
      "an impossible date",
      { field: "createdAt", operator: "gte", value: "2024-02-30" },
      "invalid_date",
      ["value"],
      /2024-02 has no day 30/,
    ],
    [
      "unparseable text as a date",
      { field: "createdAt", operator: "gte", value: "last tuesday" },
      "invalid_date",
      ["value"],
      /expected an ISO-8601 date/,
    ],
    [
      "a datetime without an offset",
      { field: "createdAt", operator: "gte", value: "2024-01-01T12:00:00" },
      "invalid_date",
      ["value"],
      /add Z \(UTC\) or ±HH:MM/,
    ],
    [
      "sub-millisecond precision",
      { field: "createdAt", operator: "gte", value: "2024-01-01T12:00:00.0001Z" },
      "invalid_date",
      ["value"],
      /at most 3 fractional digits/,
    ],
    [
      "a month 13",
      { field: "createdAt", operator: "lt", value: "2024-13-01" },
      "invalid_date",
      ["value"],
      /no month 13/,
    ],
    [
      "a fractional epoch",
      { field: "Join Date", operator: "lt", value: 1.5 },
      "invalid_date",
      ["value"],
      /whole number/,
    ],
    [
      "a date list item",
      { field: "Join Date", operator: "in", value: ["2024-01-01", "2024-02-31"] },
      "invalid_date",
      ["value", 1],
      /2024-02 has no day 31/,
    ],
    [
      "a 29th of February outside a leap year",
      { field: "createdAt", operator: "eq", value: "2023-02-29" },
      "invalid_date",
      ["value"],
      /2023-02 has no day 29/,
    ],
  ])("%s", (_name, condition, code, path, message) => {
    const issues = refusal(condition);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, path });
    expect(issues[0]!.message).toMatch(message);
  });

  it("gives paths from the root of a nested tree", () => {
    expect(
      refusal({
        $and: [
          { field: "country", operator: "eq", value: "US" },
          { $not: { field: "status", operator: "eq", value: "active" } },
        ],
      }),
    ).toMatchObject([{ code: "invalid_value", path: ["$and", 1, "$not", "value"] }]);
  });

  it("suggests for the first 20 typos only, so that thousands of them stay cheap", () => {
    const many = defineFields(
      contactFields,
      Object.fromEntries(
        Array.from({ length: 300 }, (_, i) => [`Custom Property ${i}`, { type: "string" as const, path: `p.p${i}` }]),
      ),
    );
    const issues = refusal(
      { $or: Array.from({ length: 500 }, (_, i) => ({ field: `Custom Propert ${i}`, operator: "eq", value: "x" })) },
      { fields: many },
    );
    expect(issues).toHaveLength(500);
    expect(issues.filter((i) => i.message.includes("did you mean"))).toHaveLength(20);
    expect(issues[499]!.message).toMatch(/known fields: email, firstName/);
  });

  it("exists applies to every type", () => {
    for (const field of Object.keys(FIELDS))
      expect(safeParseCondition({ field, operator: "exists", value: true }, options).success).toBe(true);
  });
});

describe("malformed catalogs", () => {
  const bad = (extra: unknown) => {
    try {
      defineFields(contactFields, extra as FieldCatalog);
    } catch (e) {
      expect(e).toBeInstanceOf(ConditionError);
      return (e as ConditionError).issues.map((i) => ({ code: i.code, path: [...i.path] }));
    }
    throw new Error("accepted");
  };
  it.each([
    ["unknown type", { x: { type: "text" } }, ["extra", "x", "type"]],
    ["enum without values", { x: { type: "enum" } }, ["extra", "x", "values"]],
    ["duplicate enum values", { x: { type: "enum", values: ["a", "a"] } }, ["extra", "x", "values"]],
    ["values on a string", { x: { type: "string", values: ["a"] } }, ["extra", "x", "values"]],
    ["storage on a number", { x: { type: "number", storage: "epochMillis" } }, ["extra", "x", "storage"]],
    ["unknown storage", { x: { type: "date", storage: "iso" } }, ["extra", "x", "storage"]],
    ["an operator path", { x: { type: "string", path: "$where" } }, ["extra", "x", "path"]],
    ["a name that is no path, without a path", { "a..b": { type: "string" } }, ["extra", "a..b", "path"]],
    ["unknown key", { x: { type: "string", tooltip: "X" } }, ["extra", "x", "tooltip"]],
    ["not an object", { x: "string" }, ["extra", "x"]],
    ["an ambiguous numeric segment in a path", { x: { type: "number", path: "items.01" } }, ["extra", "x", "path"]],
  ])("%s", (_name, extra, path) => {
    expect(bad(extra)).toContainEqual({ code: "invalid_catalog", path });
  });

  it("is refused through options too, with an options path", () => {
    expect(
      refusal({ field: "x", operator: "eq", value: 1 }, { fields: { x: { type: "nope" } } as unknown as FieldCatalog }),
    ).toMatchObject([{ code: "invalid_catalog", path: ["options", "fields", "x", "type"] }]);
  });

  it("keeps a field named __proto__ as a field, not a prototype", () => {
    const merged = defineFields(
      {},
      JSON.parse('{"__proto__": {"type": "string", "path": "p"}, "x": {"type": "number"}}') as FieldCatalog,
    );
    expect(Object.keys(merged)).toEqual(["__proto__", "x"]);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(toMongoFilter({ field: "__proto__", operator: "eq", value: "v" }, { fields: merged })).toEqual({
      p: { $eq: "v" },
    });
  });

  it("merges with extra winning, and is frozen", () => {
    const merged = defineFields(contactFields, { country: { type: "enum", values: ["US", "FR"] } });
    expect(merged.country).toEqual({ type: "enum", values: ["US", "FR"] });
    expect(merged.email).toEqual({ type: "string", label: "Email" });
    expect(Object.isFrozen(merged)).toBe(true);
    expect(contactFields.country).toEqual({ type: "string", label: "Country" });
  });
});

describe("typed values compile to the field's storage, in both targets", () => {
  const cases: [string, Condition, Record<string, unknown>, [Record<string, unknown>, boolean][]][] = [
    [
      "a date without a time is UTC midnight, as a Date",
      { field: "createdAt", operator: "gte", value: "2024-01-01" },
      { createdAt: { $gte: new Date("2024-01-01T00:00:00.000Z") } },
      [
        [{ createdAt: new Date("2024-01-01T00:00:00.000Z") }, true],
        [{ createdAt: new Date("2023-12-31T23:59:59.999Z") }, false],
        [{ createdAt: "2024-06-01" }, false],
        [{ createdAt: Date.UTC(2024, 5, 1) }, false],
      ],
    ],
    [
      "a datetime with an offset",
      { field: "createdAt", operator: "lt", value: "2024-01-01T12:00:00+02:00" },
      { createdAt: { $lt: new Date("2024-01-01T10:00:00.000Z") } },
      [
        [{ createdAt: new Date("2024-01-01T09:59:59.999Z") }, true],
        [{ createdAt: new Date("2024-01-01T10:00:00.000Z") }, false],
      ],
    ],
    [
      "epoch-millisecond storage compiles to a number",
      { field: "Join Date", operator: "gte", value: "2024-01-01" },
      { "properties.join_date": { $gte: 1704067200000 } },
      [
        [{ properties: { join_date: 1704067200000 } }, true],
        [{ properties: { join_date: new Date(1704067200000) } }, false],
        [{ properties: { join_date: 1704067199999 } }, false],
      ],
    ],
    [
      "epoch milliseconds as a value, into Date storage",
      { field: "createdAt", operator: "eq", value: 1704067200000 },
      { createdAt: { $eq: new Date(1704067200000) } },
      [
        [{ createdAt: new Date(1704067200000) }, true],
        [{ createdAt: 1704067200000 }, false],
      ],
    ],
    [
      "in lists are converted item by item",
      { field: "createdAt", operator: "in", value: ["2024-01-01", 0] },
      { createdAt: { $in: [new Date(1704067200000), new Date(0)] } },
      [
        [{ createdAt: new Date(0) }, true],
        [{ createdAt: [new Date(5), new Date(1704067200000)] }, true],
        [{ createdAt: new Date(1) }, false],
      ],
    ],
    [
      "nin on a date keeps contacts without one",
      { field: "createdAt", operator: "nin", value: ["2024-01-01"] },
      { createdAt: { $nin: [new Date(1704067200000)] } },
      [
        [{}, true],
        [{ createdAt: new Date(1704067200000) }, false],
      ],
    ],
    [
      "a name with spaces reads its storage slot",
      { field: "favourite_colour", operator: "eq", value: "teal" },
      { "properties.p7": { $eq: "teal" } },
      [
        [{ properties: { p7: "teal" } }, true],
        [{ favourite_colour: "teal" }, false],
      ],
    ],
  ];
  it.each(cases)("%s", (_name, condition, filter, rows) => {
    const compiled = compileCondition(condition, options);
    expect(compiled.filter).toEqual(filter);
    for (const [doc, matches] of rows) {
      expectAllTiers(condition, doc, matches, options);
      expect(reference(compiled.filter as Record<string, unknown>, doc).matches).toBe(matches);
    }
  });

  it("keeps the condition as given, and reports document paths as fields", () => {
    const condition = { field: "Join Date", operator: "gte", value: "2024-01-01" } as const;
    const compiled = compileCondition(condition, options);
    expect(compiled.condition).toEqual(condition);
    expect(compiled.fields).toEqual(["properties.join_date"]);
  });

  it("gives each filter its own Date, so mutating one changes nothing else", () => {
    const compiled = compileCondition({ field: "createdAt", operator: "gte", value: "2024-01-01" }, options);
    (compiled.filter.createdAt as { $gte: Date }).$gte.setTime(0);
    expect(compiled.matches({ createdAt: new Date(5) })).toBe(false);
    expect(toMongoFilter({ field: "createdAt", operator: "gte", value: "2024-01-01" }, options)).toEqual({
      createdAt: { $gte: new Date(1704067200000) },
    });
  });

  it("without a catalog nothing is typed or coerced", () => {
    expect(toMongoFilter({ field: "createdAt", operator: "gte", value: "2024-01-01" })).toEqual({
      createdAt: { $gte: "2024-01-01" },
    });
    expect(
      toPredicate({ field: "createdAt", operator: "gte", value: "2024-01-01" })({ createdAt: new Date(1e13) }),
    ).toBe(false);
    expect(parseCondition({ field: "anything.at.all", operator: "contains", value: "x" })).toEqual({
      field: "anything.at.all",
      operator: "contains",
      value: "x",
    });
  });
});

describe("topics in the records layout", () => {
  const records = { topics: { layout: "records" as const } };
  const SUB = (topicId: string, status = "SUBSCRIBED") => ({ topicId, status });
  it.each([
    [
      { subscribedToTopic: ["news", "deals"] },
      { topics: { $elemMatch: { topicId: { $in: ["news", "deals"] }, status: { $eq: "SUBSCRIBED" } } } },
      [
        [{ topics: [SUB("news")] }, true],
        [{ topics: [SUB("news", "UNSUBSCRIBED")] }, false],
        [{ topics: [SUB("news", "UNSUBSCRIBED"), SUB("other")] }, false],
        [{ topics: [{ topicId: "news" }, { status: "SUBSCRIBED" }] }, false],
        [{ topics: [] }, false],
        [{}, false],
        [{ topics: SUB("news") }, false],
      ],
    ],
    [
      { notSubscribedToTopic: ["news"] },
      { topics: { $not: { $elemMatch: { topicId: { $in: ["news"] }, status: { $eq: "SUBSCRIBED" } } } } },
      [
        [{ topics: [SUB("news", "UNSUBSCRIBED")] }, true],
        [{ topics: [SUB("news")] }, false],
        [{}, true],
        [{ topics: [SUB("deals")] }, true],
      ],
    ],
  ] as [Condition, Record<string, unknown>, [Record<string, unknown>, boolean][]][])(
    "%j",
    (condition, filter, rows) => {
      const compiled = compileCondition(condition, records);
      expect(compiled.filter).toEqual(filter);
      for (const [doc, matches] of rows) {
        expectAllTiers(condition, doc, matches, records);
        expect(reference(compiled.filter as Record<string, unknown>, doc).matches).toBe(matches);
      }
    },
  );

  it("refuses an unknown layout", () => {
    expect(refusal({ subscribedToTopic: ["t"] }, { topics: { layout: "map" as "ids" } })).toMatchObject([
      { code: "invalid_options", path: ["options", "topics", "layout"] },
    ]);
  });
});

itRanEveryTier([...TIERS]);
