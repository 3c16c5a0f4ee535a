/**
 * The front doors around the core: explanations in words, errors an API can return (data,
 * flatten, JSON, synonyms), catalog metadata for a segment builder, and change-stream filters.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  changeStreamMatch,
  compileCondition,
  ConditionError,
  contactFields,
  createSegmatch,
  defineFields,
  describeFields,
  explainCondition,
  isConditionError,
  safeParseCondition,
  type Condition,
} from "../src/index.js";
import { conditionArb, docArb } from "./arbitraries.js";
import { reference } from "./reference/deviations.js";
import { refusal } from "./refusal.js";
import { runs } from "./fc-setup.js";

const RUNS = runs(2_000);

/** The error of an input that must be refused. */
function parseError(input: unknown, options?: Parameters<typeof safeParseCondition>[1]): ConditionError {
  const result = safeParseCondition(input, options);
  if (result.success) throw new Error("accepted");
  return result.error;
}
const fields = defineFields(contactFields, {
  "lifetime value": { type: "number", path: "properties.ltv", label: "Lifetime value" },
  joined: { type: "date", path: "properties.joined", storage: "epochMillis" },
});

describe("explainCondition", () => {
  it.each([
    [{ field: "country", operator: "eq", value: "US" }, "country is US"],
    [{ field: "country", operator: "ne", value: "US" }, "country is not US"],
    [{ field: "age", operator: "gt", value: 18 }, "age is greater than 18"],
    [{ field: "age", operator: "gte", value: 18 }, "age is at least 18"],
    [{ field: "age", operator: "lt", value: 18 }, "age is less than 18"],
    [{ field: "age", operator: "lte", value: 18 }, "age is at most 18"],
    [{ field: "country", operator: "in", value: ["NG", "KE"] }, "country is one of NG or KE"],
    [{ field: "country", operator: "in", value: ["NG", "KE", "GH"] }, "country is one of NG, KE or GH"],
    [{ field: "country", operator: "nin", value: ["FR"] }, "country is not one of FR"],
    [{ field: "email", operator: "contains", value: "gmail" }, "email contains gmail"],
    [{ field: "email", operator: "startsWith", value: "ada" }, "email starts with ada"],
    [{ field: "email", operator: "endsWith", value: "@gmail.com" }, 'email ends with "@gmail.com"'],
    [{ field: "phone", operator: "exists", value: true }, "phone is set"],
    [{ field: "phone", operator: "exists", value: false }, "phone is not set"],
    [{ field: "city", operator: "eq", value: "New York" }, 'city is "New York"'],
    [{ field: "city", operator: "eq", value: "" }, 'city is ""'],
    [{ field: "code", operator: "eq", value: "18" }, 'code is "18"'],
    [{ field: "vip", operator: "eq", value: true }, "vip is true"],
    [{ field: "word", operator: "eq", value: "and" }, 'word is "and"'],
    [{ field: "x", operator: "ne", value: "set" }, 'x is not "set"'],
    [
      {
        $and: [
          {
            $or: [
              { field: "a", operator: "eq", value: 1 },
              { field: "b", operator: "eq", value: 2 },
            ],
          },
        ],
        $not: { field: "c", operator: "eq", value: 3 },
      },
      "(a is 1, or b is 2), and not (c is 3)",
    ],
    [{ subscribedToTopic: ["product-news"] }, "subscribed to product-news"],
    [{ subscribedToTopic: ["a", "b"] }, "subscribed to a or b"],
    [{ notSubscribedToTopic: ["partners"] }, "not subscribed to partners"],
    [{ notSubscribedToTopic: ["a", "b"] }, "not subscribed to any of a or b"],
    [{ subscribedToTopic: ["a"], notSubscribedToTopic: ["b"] }, "subscribed to a, and not subscribed to b"],
    [
      {
        $and: [
          { field: "a", operator: "eq", value: 1 },
          { field: "b", operator: "eq", value: 2 },
        ],
      },
      "a is 1, and b is 2",
    ],
    [
      {
        $or: [
          { field: "a", operator: "eq", value: 1 },
          { field: "b", operator: "eq", value: 2 },
        ],
      },
      "a is 1, or b is 2",
    ],
    [
      {
        $and: [
          { field: "a", operator: "eq", value: 1 },
          {
            $or: [
              { field: "b", operator: "eq", value: 2 },
              { field: "c", operator: "eq", value: 3 },
            ],
          },
        ],
      },
      "a is 1, and (b is 2, or c is 3)",
    ],
    [
      {
        $or: [
          {
            $and: [
              { field: "a", operator: "eq", value: 1 },
              { field: "b", operator: "eq", value: 2 },
            ],
          },
          { field: "c", operator: "eq", value: 3 },
        ],
      },
      "(a is 1, and b is 2), or c is 3",
    ],
    [
      { $and: [{ field: "a", operator: "eq", value: 1 }, { $and: [{ field: "b", operator: "eq", value: 2 }] }] },
      "a is 1, and b is 2",
    ],
    [{ $not: { field: "a", operator: "eq", value: 1 } }, "not (a is 1)"],
    [
      {
        $not: {
          $or: [
            { field: "a", operator: "eq", value: 1 },
            { field: "b", operator: "eq", value: 2 },
          ],
        },
      },
      "not (a is 1, or b is 2)",
    ],
    [
      { $and: [{ field: "a", operator: "eq", value: 1 }], $not: { field: "b", operator: "eq", value: 2 } },
      "a is 1, and not (b is 2)",
    ],
  ])("%j → %s", (condition, sentence) => {
    expect(explainCondition(condition)).toBe(sentence);
  });

  it("speaks catalog names and dates as written, with the words of dates", () => {
    const condition = {
      $and: [
        { field: "country", operator: "in", value: ["NG", "KE"] },
        { field: "lifetime value", operator: "gte", value: 300 },
        { subscribedToTopic: ["product-news"] },
        { field: "status", operator: "ne", value: "BOUNCED" },
        { field: "joined", operator: "gt", value: "2024-01-31" },
        { field: "createdAt", operator: "lte", value: "2025-06-01T10:00:00Z" },
      ],
    };
    expect(explainCondition(condition, { fields })).toBe(
      'country is one of NG or KE, and "lifetime value" is at least 300, and subscribed to product-news, and status is not BOUNCED, and joined is after 2024-01-31, and createdAt is on or before 2025-06-01T10:00:00Z',
    );
    const engine = createSegmatch({ fields });
    expect(engine.explainCondition(engine.compileCondition(condition))).toBe(explainCondition(condition, { fields }));
  });

  // Relative dates in words: the common shapes as sentences, the rest as the operator's date words and the instant's.
  it.each([
    // a single step back, unrounded: "in the last", "more than … ago"
    ["gte", "now-30d", "createdAt is in the last 30 days"],
    ["gt", "now-30d", "createdAt is in the last 30 days"],
    ["gte", "now-1d", "createdAt is in the last day"],
    ["gt", "now-1h", "createdAt is in the last hour"],
    ["gte", "now-90m", "createdAt is in the last 90 minutes"],
    ["gte", "now-2w", "createdAt is in the last 2 weeks"],
    ["gte", "now-6M", "createdAt is in the last 6 months"],
    ["gte", "now-1y", "createdAt is in the last year"],
    ["gte", "now-45s", "createdAt is in the last 45 seconds"],
    ["lt", "now-90d", "createdAt is more than 90 days ago"],
    ["lte", "now-90d", "createdAt is more than 90 days ago"],
    ["lt", "now-1y", "createdAt is more than 1 year ago"],
    ["lte", "now-1d", "createdAt is more than 1 day ago"],
    // other unrounded instants: the operator's date words
    ["gte", "now", "createdAt is on or after now"],
    ["lt", "now", "createdAt is before now"],
    ["gte", "now+0d", "createdAt is on or after now"],
    ["gt", "now+1w", "createdAt is after 1 week from now"],
    ["lte", "now+2w", "createdAt is on or before 2 weeks from now"],
    ["lt", "now+1d", "createdAt is before 1 day from now"],
    ["gte", "now-1M-2d", "createdAt is on or after 1 month and 2 days ago"],
    ["gt", "now-1y-2M-3d", "createdAt is after 1 year, 2 months and 3 days ago"],
    ["lt", "now-1M+2d", "createdAt is before now minus 1 month plus 2 days"],
    ["lt", "now-1d-0h", "createdAt is more than 1 day ago"],
    // rounded: the unit named; gte "or later", lte "or earlier", gt "after", lt "before"
    ["gte", "now/d", "createdAt is today or later"],
    ["gt", "now/d", "createdAt is after today"],
    ["lt", "now/d", "createdAt is before today"],
    ["lte", "now/d", "createdAt is today or earlier"],
    ["gte", "now-1d/d", "createdAt is yesterday or later"],
    ["lt", "now-1d/d", "createdAt is before yesterday"],
    ["lte", "now+1d/d", "createdAt is tomorrow or earlier"],
    ["gte", "now/w", "createdAt is in this week or later"],
    ["gte", "now-1w/w", "createdAt is in last week or later"],
    ["lt", "now+1w/w", "createdAt is before next week"],
    ["gte", "now/M", "createdAt is in this month or later"],
    ["gte", "now-1M/M", "createdAt is in last month or later"],
    ["lt", "now/M", "createdAt is before this month"],
    ["gt", "now-1M/M", "createdAt is after last month"],
    ["lte", "now-1M/M", "createdAt is in last month or earlier"],
    ["gte", "now/y", "createdAt is in this year or later"],
    ["lt", "now-1y/y", "createdAt is before last year"],
    ["gte", "now/h", "createdAt is in this hour or later"],
    ["gte", "now-1h/h", "createdAt is in the previous hour or later"],
    ["lt", "now+1m/m", "createdAt is before the next minute"],
    ["lte", "now/s", "createdAt is in this second or earlier"],
    ["gte", "now-0d/d", "createdAt is today or later"],
    ["gte", "now-7d/d", "createdAt is on the day 7 days ago or later"],
    ["gt", "now-3M/M", "createdAt is after the month 3 months ago"],
    ["gte", "now-1M/d", "createdAt is on the day 1 month ago or later"],
    ["lt", "now+2w/w", "createdAt is before the week 2 weeks from now"],
    ["lte", "now-1M+1d/d", "createdAt is on the day of now minus 1 month plus 1 day or earlier"],
    ["lt", "now-1d-1d/d", "createdAt is before the day 1 day and 1 day ago"],
  ])("createdAt %s %s → %s", (operator, value, sentence) => {
    expect(explainCondition({ field: "createdAt", operator, value } as Condition, { fields })).toBe(sentence);
  });

  it("says date math in words only on a date field of the catalog", () => {
    expect(
      explainCondition(
        {
          $and: [
            { field: "joined", operator: "gte", value: "now-30d" },
            { $not: { field: "createdAt", operator: "lt", value: "now/M" } },
          ],
        },
        { fields },
      ),
    ).toBe("joined is in the last 30 days, and not (createdAt is before this month)");
    // Without a catalog nothing is a date: the text is said as written.
    expect(explainCondition({ field: "createdAt", operator: "gte", value: "now-30d" })).toBe(
      "createdAt is at least now-30d",
    );
    expect(explainCondition({ field: "email", operator: "startsWith", value: "now-30d" }, { fields })).toBe(
      "email starts with now-30d",
    );
    const engine = createSegmatch({ fields });
    expect(
      engine.explainCondition(engine.compileCondition({ field: "joined", operator: "lte", value: "now-1w" })),
    ).toBe("joined is more than 1 week ago");
  });

  it("says any date math in words, never as written", () => {
    const step = fc
      .tuple(
        fc.constantFrom("+", "-"),
        fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 0, max: 40 }) }, fc.integer({ min: 0, max: 999_999_999 })),
        fc.constantFrom(..."yMwdhms"),
      )
      .map(([sign, n, unit]) => `${sign}${n}${unit}`);
    const math = fc
      .tuple(fc.array(step, { maxLength: 4 }), fc.option(fc.constantFrom(..."yMwdhms"), { nil: undefined }))
      .map(([steps, round]) => `now${steps.join("")}${round === undefined ? "" : `/${round}`}`);
    fc.assert(
      fc.property(fc.constantFrom("gt", "gte", "lt", "lte"), math, (operator, value) => {
        const result = safeParseCondition({ field: "createdAt", operator, value }, { fields });
        fc.pre(result.success); // within date math's limits
        const sentence = explainCondition({ field: "createdAt", operator, value } as Condition, { fields });
        expect(sentence).toMatch(/^createdAt is (?:[a-z]+|[1-9]\d*)(?:,? (?:[a-z]+|[1-9]\d*))*$/);
        // Numbers count their units: 1 day, 2 days.
        for (const [, n, unit] of sentence.matchAll(/(\d+) ([a-z]+)/g)) expect(unit!.endsWith("s")).toBe(n !== "1");
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses what it cannot parse, with paths", () => {
    expect(refusal(() => explainCondition({ field: "a", operator: "like", value: 1 } as unknown))).toEqual([
      ["unknown_operator", ["operator"]],
    ]);
  });
});

describe("errors an API can return", () => {
  const error = parseError({
    $and: [
      { field: "a", operator: "not_in", value: [1] },
      { feld: "b", operator: "eq", value: 1 },
    ],
    $nope: 1,
  });

  it("flatten() keys messages by formatted path; root issues are form errors", () => {
    const flat = error.flatten();
    expect(Object.keys(flat.fieldErrors).sort()).toEqual(
      ["$and[0].operator", "$and[1].feld", "$and[1].field", "$nope"].sort(),
    );
    expect(flat.fieldErrors["$and[0].operator"]).toEqual([expect.stringContaining('did you mean "nin"')]);
    expect(parseError([]).flatten()).toEqual({
      formErrors: [expect.stringContaining("a condition must be a plain object")],
      fieldErrors: {},
    });
  });

  it("toJSON() is { name, message, issues }", () => {
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: "ConditionError",
      message: error.message,
      issues: JSON.parse(JSON.stringify(error.issues)),
    });
  });

  it("issues carry data a client can localise", () => {
    expect(error.issues.find((i) => i.code === "unknown_operator")).toMatchObject({
      received: '"not_in"',
      allowed: expect.arrayContaining(["eq", "nin"]) as unknown,
      suggestions: ["nin"],
    });
    expect(error.issues.find((i) => i.code === "unknown_key" && i.path.at(-1) === "feld")).toMatchObject({
      allowed: expect.arrayContaining(["field"]) as unknown,
      suggestions: ["field"],
    });
    const typed = parseError({ field: "status", operator: "eq", value: "SUBSCRIBD" }, { fields: contactFields });
    expect(typed.issues[0]).toMatchObject({
      code: "invalid_value",
      allowed: expect.arrayContaining(["SUBSCRIBED"]) as unknown,
      suggestions: ["SUBSCRIBED"],
    });
    const wrongType = parseError({ field: 5, operator: "eq", value: 1 });
    expect(wrongType.issues[0]).toMatchObject({ code: "invalid_type", path: ["field"], received: "5" });
  });

  it.each([
    ["not_in", "nin"],
    ["==", "eq"],
    ["greater_than", "gt"],
    ["is", "eq"],
    ["like", "contains"],
    ["!=", "ne"],
    [">=", "gte"],
    ["less than", "lt"],
    ["begins_with", "startsWith"],
    ["isNotNull", "exists"],
  ])("suggests %s → %s", (written, meant) => {
    const issue = parseError({ field: "a", operator: written, value: 1 }).issues[0]!;
    expect(issue.suggestions?.[0]).toBe(meant);
    expect(issue.message).toContain(`did you mean "${meant}"`);
  });

  it("isConditionError and instanceof recognise the error, and nothing else", () => {
    expect(isConditionError(error)).toBe(true);
    expect(error instanceof ConditionError).toBe(true);
    expect(isConditionError(new Error("x"))).toBe(false);
    expect(isConditionError({ name: "ConditionError", issues: [] })).toBe(false);
    expect(isConditionError(null)).toBe(false);
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    expect(isConditionError(revoked.proxy)).toBe(false);
    expect(new Error("x") instanceof ConditionError).toBe(false);
    class Narrower extends ConditionError {}
    expect(error instanceof Narrower).toBe(false);
    expect(new Narrower([]) instanceof Narrower).toBe(true);
  });
});

describe("describeFields", () => {
  it("lists each field with its operators in words and an enum's values, from the parser's tables", () => {
    const described = describeFields({ fields });
    const status = described.find((f) => f.name === "status")!;
    expect(status).toEqual({
      name: "status",
      label: "Status",
      type: "enum",
      values: ["SUBSCRIBED", "UNCONFIRMED", "UNSUBSCRIBED", "BOUNCED", "COMPLAINED", "ARCHIVED"],
      operators: [
        { operator: "eq", label: "is", relative: false },
        { operator: "ne", label: "is not", relative: false },
        { operator: "in", label: "is one of", relative: false },
        { operator: "nin", label: "is not one of", relative: false },
        { operator: "exists", label: "is set", relative: false },
      ],
    });
    expect(described.find((f) => f.name === "joined")!.operators).toEqual([
      { operator: "eq", label: "is", relative: false },
      { operator: "ne", label: "is not", relative: false },
      { operator: "gt", label: "is after", relative: true },
      { operator: "gte", label: "is on or after", relative: true },
      { operator: "lt", label: "is before", relative: true },
      { operator: "lte", label: "is on or before", relative: true },
      { operator: "in", label: "is one of", relative: false },
      { operator: "nin", label: "is not one of", relative: false },
      { operator: "exists", label: "is set", relative: false },
    ]);
    // Only a date's range operators take date math: a number's gt does not.
    expect(
      described
        .filter((f) => f.type !== "date")
        .flatMap((f) => f.operators)
        .some((o) => o.relative),
    ).toBe(false);
    expect(described.find((f) => f.name === "lifetime value")).toMatchObject({
      label: "Lifetime value",
      type: "number",
    });
    expect(described.map((f) => f.name)).toEqual(Object.keys(fields));
    expect(createSegmatch({ fields }).describeFields()).toEqual(described);
    expect(describeFields()).toEqual(describeFields({ fields: contactFields }));
  });

  it("every operator it lists for a field is one the parser accepts for it", () => {
    for (const f of describeFields({ fields })) {
      for (const { operator } of f.operators) {
        const value =
          operator === "exists"
            ? true
            : operator === "in" || operator === "nin"
              ? [f.values?.[0] ?? (f.type === "number" ? 1 : f.type === "date" ? "2024-01-01" : "x")]
              : f.type === "number"
                ? 1
                : f.type === "boolean"
                  ? true
                  : f.type === "date"
                    ? "2024-01-01"
                    : (f.values?.[0] ?? "x");
        expect(
          safeParseCondition({ field: f.name, operator, value }, { fields }).success,
          `${f.name} ${operator}`,
        ).toBe(true);
      }
    }
  });

  it("an operator takes date math exactly when it says it is relative", () => {
    for (const f of describeFields({ fields })) {
      for (const { operator, relative } of f.operators) {
        if (operator === "exists") continue;
        const value = operator === "in" || operator === "nin" ? ["now-30d"] : "now-30d";
        const result = safeParseCondition({ field: f.name, operator, value }, { fields });
        // A string field takes the text as text: only a date field reads it as date math.
        if (f.type === "date") expect(result.success, `${f.name} ${operator}`).toBe(relative);
        else expect(relative, `${f.name} ${operator}`).toBe(false);
      }
    }
  });

  it("refuses a malformed catalog and bad labels", () => {
    expect(refusal(() => describeFields({ fields: { a: { type: "string", label: "" } } }))).toEqual([
      ["invalid_catalog", ["options", "fields", "a", "label"]],
    ]);
    expect(refusal(() => describeFields(5 as never))).toEqual([["invalid_options", ["options"]]]);
  });
});

describe("changeStreamMatch", () => {
  it("prefixes field paths with fullDocument. and keeps operators and element matches as they are", () => {
    const condition = {
      $and: [
        { field: "a.b", operator: "ne", value: 1 },
        { $or: [{ subscribedToTopic: ["t"] }, { $not: { field: "c", operator: "eq", value: 2 } }] },
      ],
    };
    const records = { topics: { layout: "records" } } as const;
    expect(changeStreamMatch(compileCondition(condition, records))).toEqual(changeStreamMatch(condition, records));
    expect(changeStreamMatch(condition, records)).toEqual({
      $and: [
        { fullDocument: { $type: "object" } },
        {
          $and: [
            { "fullDocument.a.b": { $ne: 1 } },
            {
              $or: [
                { "fullDocument.topics": { $elemMatch: { topicId: { $in: ["t"] }, status: { $eq: "SUBSCRIBED" } } } },
                { $nor: [{ "fullDocument.c": { $eq: 2 } }] },
              ],
            },
          ],
        },
      ],
    });
  });

  it("on change events, answers what the filter answers on the event's document (reference evaluator), and never for an event without one", () => {
    const ops = ["insert", "update", "replace", "delete"] as const;
    fc.assert(
      fc.property(conditionArb, docArb, fc.constantFrom(...ops), (condition, doc, operationType) => {
        const compiled = compileCondition(condition);
        const filter = compiled.filter;
        const event =
          operationType === "delete"
            ? { operationType, documentKey: { _id: 1 } }
            : { operationType, documentKey: { _id: 1 }, fullDocument: doc };
        // The reference (mingo, with MongoDB's rule where mingo deviates: a dotted path such as
        // fullDocument.c meets mingo's nested-array deviation where c alone does not).
        const expected = operationType !== "delete" && reference(filter as Record<string, unknown>, doc).matches;
        expect(reference(changeStreamMatch(compiled) as Record<string, unknown>, event).matches).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it("refuses what is not a condition, with paths", () => {
    expect(refusal(() => changeStreamMatch({ $where: "1" } as unknown))).toEqual([["unknown_key", ["$where"]]]);
    expect(refusal(() => changeStreamMatch([] as never))).toEqual([["invalid_type", []]]);
    expect(refusal(() => changeStreamMatch({ $and: [] } as unknown))).toEqual([["empty_list", ["$and"]]]);
  });
});
