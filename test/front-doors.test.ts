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
        { operator: "eq", label: "is" },
        { operator: "ne", label: "is not" },
        { operator: "in", label: "is one of" },
        { operator: "nin", label: "is not one of" },
        { operator: "exists", label: "is set" },
      ],
    });
    expect(described.find((f) => f.name === "joined")!.operators.map((o) => o.label)).toEqual([
      "is",
      "is not",
      "is after",
      "is on or after",
      "is before",
      "is on or before",
      "is one of",
      "is not one of",
      "is set",
    ]);
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
