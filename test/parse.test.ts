/**
 * Refusals: every bad input gets a ConditionError whose issues name the code and the path,
 * with a sentence a person can act on.
 */
import { describe, expect, it } from "vitest";
import {
  ConditionError,
  compileCondition,
  defineFields,
  parseCondition,
  safeParseCondition,
  toMongoFilter,
  toPredicate,
  type FieldCatalog,
} from "../src/index.js";

function issuesOf(input: unknown, options?: Parameters<typeof parseCondition>[1]) {
  const result = safeParseCondition(input, options);
  if (result.success) throw new Error(`expected a refusal for ${JSON.stringify(input)}`);
  return result.error.issues.map(({ code, path, message }) => ({ code, path: [...path], message }));
}

const f = (field: unknown, operator: unknown, value: unknown) => ({ field, operator, value });

const REFUSALS: [string, unknown, { code: string; path: (string | number)[]; message?: RegExp }[]][] = [
  ["not an object", "country = US", [{ code: "invalid_type", path: [] }]],
  ["a bare list", [f("a", "eq", 1)], [{ code: "invalid_type", path: [], message: /wrap a list of conditions/ }]],
  ["null", null, [{ code: "invalid_type", path: [] }]],
  ["empty object", {}, [{ code: "unknown_shape", path: [], message: /empty object/ }]],
  [
    "unknown operator",
    f("a", "like", "x"),
    [
      {
        code: "unknown_operator",
        path: ["operator"],
        message: /unknown operator "like" \(did you mean "contains"\?\) \(expected one of eq, ne, /,
      },
    ],
  ],
  [
    "operator typo",
    f("a", "startswith", "x"),
    [{ code: "unknown_operator", path: ["operator"], message: /did you mean "startsWith"/ }],
  ],
  ["operator not a string", f("a", 1, "x"), [{ code: "invalid_type", path: ["operator"] }]],
  ["missing value", { field: "a", operator: "eq" }, [{ code: "missing_key", path: ["value"] }]],
  [
    "missing field and operator",
    { value: 1 },
    [
      { code: "missing_key", path: ["field"] },
      { code: "missing_key", path: ["operator"] },
    ],
  ],
  ["null value", f("a", "eq", null), [{ code: "null_value", path: ["value"], message: /exists/ }]],
  ["null with exists", f("a", "exists", null), [{ code: "null_value", path: ["value"] }]],
  [
    "exists with a string",
    f("a", "exists", "true"),
    [{ code: "invalid_value", path: ["value"], message: /not a string/ }],
  ],
  ["exists with 1", f("a", "exists", 1), [{ code: "invalid_value", path: ["value"] }]],
  ["in with a scalar", f("a", "in", "US"), [{ code: "invalid_value", path: ["value"], message: /non-empty list/ }]],
  ["in empty", f("a", "in", []), [{ code: "empty_list", path: ["value"] }]],
  ["in with null item", f("a", "in", ["x", null]), [{ code: "null_value", path: ["value", 1] }]],
  [
    "in with a boolean item",
    f("a", "in", [true]),
    [{ code: "invalid_value", path: ["value", 0], message: /a string or a finite number/ }],
  ],
  ["in with a nested list", f("a", "in", [["x"]]), [{ code: "invalid_value", path: ["value", 0] }]],
  ["eq with a list", f("a", "eq", [1]), [{ code: "invalid_value", path: ["value"] }]],
  ["eq with an object", f("a", "eq", { $gt: 1 }), [{ code: "invalid_value", path: ["value"] }]],
  ["eq with NaN", f("a", "eq", Number.NaN), [{ code: "non_finite_number", path: ["value"] }]],
  ["gt with Infinity", f("a", "gt", Infinity), [{ code: "non_finite_number", path: ["value"] }]],
  ["in with -Infinity", f("a", "in", [1, -Infinity]), [{ code: "non_finite_number", path: ["value", 1] }]],
  [
    "eq with a Date",
    f("a", "eq", new Date(0)),
    [{ code: "invalid_value", path: ["value"], message: /not an instance of Date/ }],
  ],
  ["eq with undefined", f("a", "eq", undefined), [{ code: "invalid_value", path: ["value"], message: /undefined/ }]],
  [
    "contains with a number",
    f("a", "contains", 1),
    [{ code: "invalid_value", path: ["value"], message: /must be a string/ }],
  ],
  ["lone surrogate", f("a", "eq", "\uD800"), [{ code: "invalid_string", path: ["value"] }]],
  ["empty field", f("", "eq", 1), [{ code: "invalid_field", path: ["field"], message: /empty/ }]],
  ["field is an operator", f("$where", "eq", 1), [{ code: "invalid_field", path: ["field"] }]],
  ["field segment is an operator", f("a.$gt", "eq", 1), [{ code: "invalid_field", path: ["field"] }]],
  ["empty segment", f("a..b", "eq", 1), [{ code: "invalid_field", path: ["field"], message: /empty path segment/ }]],
  ["trailing dot", f("a.", "eq", 1), [{ code: "invalid_field", path: ["field"] }]],
  ["NUL in field", f("a\u0000b", "eq", 1), [{ code: "invalid_field", path: ["field"], message: /NUL/ }]],
  [
    "__proto__",
    f("a.__proto__", "eq", 1),
    [{ code: "invalid_field", path: ["field"], message: /reserved segment "__proto__"/ }],
  ],
  ["constructor", f("constructor", "eq", 1), [{ code: "invalid_field", path: ["field"] }]],
  ["prototype", f("x.prototype.y", "eq", 1), [{ code: "invalid_field", path: ["field"] }]],
  [
    "leading zero segment",
    f("items.01", "eq", 1),
    [{ code: "invalid_field", path: ["field"], message: /leading zero/ }],
  ],
  ["field not a string", f(5, "eq", 1), [{ code: "invalid_type", path: ["field"] }]],
  [
    "unknown key dropped silently elsewhere",
    { ...f("a", "eq", 1), extra: 1 },
    [{ code: "unknown_key", path: ["extra"] }],
  ],
  [
    "mixed shapes",
    { ...f("a", "eq", 1), $and: [f("b", "eq", 2)] },
    [
      {
        code: "unknown_shape",
        path: [],
        message: /mixes a field condition \(field, operator, value\) and a logical condition \(\$and\)/,
      },
    ],
  ],
  [
    "MongoDB syntax",
    { country: { $eq: "US" } },
    [{ code: "unknown_key", path: ["country"], message: /MongoDB filter syntax is not accepted/ }],
  ],
  ["key typo", { $AND: [f("a", "eq", 1)] }, [{ code: "unknown_key", path: ["$AND"], message: /did you mean "\$and"/ }]],
  ["empty $and", { $and: [] }, [{ code: "empty_list", path: ["$and"] }]],
  [
    "$or not a list",
    { $or: f("a", "eq", 1) },
    [{ code: "invalid_type", path: ["$or"], message: /wrap a single condition/ }],
  ],
  ["$not with a list", { $not: [f("a", "eq", 1)] }, [{ code: "invalid_type", path: ["$not"] }]],
  ["$not with null", { $not: null }, [{ code: "invalid_type", path: ["$not"] }]],
  ["topics empty", { subscribedToTopic: [] }, [{ code: "empty_list", path: ["subscribedToTopic"] }]],
  ["topic id empty", { subscribedToTopic: ["t1", ""] }, [{ code: "invalid_topic", path: ["subscribedToTopic", 1] }]],
  ["topic id a number", { notSubscribedToTopic: [5] }, [{ code: "invalid_type", path: ["notSubscribedToTopic", 0] }]],
  ["topic list a string", { subscribedToTopic: "t1" }, [{ code: "invalid_type", path: ["subscribedToTopic"] }]],
];

describe("refusals", () => {
  it.each(REFUSALS)("%s", (_name, input, expected) => {
    const issues = issuesOf(input);
    expect(issues).toHaveLength(expected.length);
    expected.forEach((e, i) => {
      expect(issues[i]).toMatchObject({ code: e.code, path: e.path });
      if (e.message) expect(issues[i]!.message).toMatch(e.message);
    });
  });

  it("report every issue of a tree at once, with full paths", () => {
    const issues = issuesOf({
      $and: [
        f("a", "like", 1),
        { $or: [f("b", "in", []), { $not: { field: "c", operator: "eq", value: null, x: 1 } }] },
      ],
    });
    expect(issues.map((i) => [i.code, i.path])).toEqual([
      ["unknown_operator", ["$and", 0, "operator"]],
      ["empty_list", ["$and", 1, "$or", 0, "value"]],
      ["unknown_key", ["$and", 1, "$or", 1, "$not", "x"]],
      ["null_value", ["$and", 1, "$or", 1, "$not", "value"]],
    ]);
  });

  it("throw a ConditionError whose message a person can read", () => {
    let error: unknown;
    try {
      parseCondition({ $and: [f("a", "eq", 1), f("b", "like", "x")] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConditionError);
    expect(error).toBeInstanceOf(Error);
    expect((error as ConditionError).name).toBe("ConditionError");
    expect((error as ConditionError).message).toBe(
      '$and[1].operator: unknown operator "like" (did you mean "contains"?) (expected one of eq, ne, gt, gte, lt, lte, in, nin, contains, startsWith, endsWith, exists)',
    );
  });

  it("are the same from every entry point", () => {
    const bad = f("a", "in", "x");
    for (const entry of [parseCondition, compileCondition, toMongoFilter, toPredicate]) {
      expect(() => entry(bad)).toThrow(ConditionError);
      try {
        entry(bad);
      } catch (e) {
        expect((e as ConditionError).issues[0]).toMatchObject({ code: "invalid_value", path: ["value"] });
      }
    }
  });
});

describe("accepted input", () => {
  it("is returned as a copy, equal in value", () => {
    const input = { $or: [f("a.b", "in", [1, "x"]), { subscribedToTopic: ["t"] }], $not: f("c", "exists", true) };
    const parsed = parseCondition(input);
    expect(parsed).toEqual(input);
    expect(parsed).not.toBe(input);
  });

  it("keeps a key named __proto__ out of the prototype and refuses it", () => {
    const input = JSON.parse('{"field":"a","operator":"eq","value":1,"__proto__":{"x":1}}') as unknown;
    expect(issuesOf(input)).toMatchObject([{ code: "unknown_key", path: ["__proto__"] }]);
  });

  it("accepts any non-reserved text as a path segment", () => {
    expect(toMongoFilter(f("Join Date.Ünïcode 😀", "eq", "x"))).toEqual({ "Join Date.Ünïcode 😀": { $eq: "x" } });
  });
});

describe("what was received, named", () => {
  it.each([
    [new (class {})(), "an object with a custom prototype"],
    [new (class Contact {})(), "an instance of Contact"],
    [Object.create({ field: "a" }), "an object with a custom prototype"],
    [new Map(), "an instance of Map"],
  ])("%#: %s", (input, named) => {
    expect(() => parseCondition(input)).toThrow(`(root): a condition must be a plain object, not ${named}`);
  });
});

describe("size issues carry their bound", () => {
  it("maximum and the limit's name, for every limit", () => {
    const issue = (input: unknown, limits: Record<string, number>) => {
      const r = safeParseCondition(input, { limits });
      return r.error?.issues.map((i) => [i.code, i.maximum, i.limit]);
    };
    expect(issue({ $not: { $not: { field: "a", operator: "eq", value: 1 } } }, { maxDepth: 2 })).toEqual([
      ["too_deep", 2, "maxDepth"],
    ]);
    expect(issue({ field: "a", operator: "in", value: [1, 2, 3] }, { maxNodes: 3 })).toEqual([
      ["too_many_nodes", 3, "maxNodes"],
    ]);
    expect(issue({ field: "a", operator: "in", value: [1, 2, 3] }, { maxListLength: 2 })).toEqual([
      ["too_many_items", 2, "maxListLength"],
    ]);
    expect(issue({ field: "a", operator: "eq", value: "xxxx" }, { maxStringLength: 3 })).toEqual([
      ["too_long", 3, "maxStringLength"],
    ]);
    const regex = safeParseCondition(
      { field: "a", operator: "contains", value: ".".repeat(17_000) },
      { limits: { maxStringLength: 20_000 } },
    ).error?.issues[0];
    expect(regex ? [regex.code, regex.limit] : undefined).toEqual(["too_long", "mongodb.regexBytes"]);
  });
});

describe("totals: what a condition costs grows with its characters and its path segments, each bounded", () => {
  const refusal = (input: unknown, limits: Record<string, number>, fields?: FieldCatalog) => {
    const r = safeParseCondition(input, { limits, fields });
    return r.error?.issues.map((i) => ({ code: i.code, path: i.path, message: i.message, limit: i.limit }));
  };

  it("maxTotalLength counts every key and string, and names where the count passed it", () => {
    // Keys field (5) + operator (8) + value (5), then "ab" (2), "eq" (2), "xyz" (3): 25.
    const leaf = { field: "ab", operator: "eq", value: "xyz" };
    expect(refusal(leaf, { maxTotalLength: 25 })).toBeUndefined();
    expect(refusal(leaf, { maxTotalLength: 24 })).toEqual([
      {
        code: "too_long",
        path: ["value"],
        message: "the strings and keys have more than 24 characters together (limits.maxTotalLength)",
        limit: "maxTotalLength",
      },
    ]);
    // Keys are counted before their values: a long key passes it at the key.
    expect(refusal({ $and: [leaf], ["k".repeat(30)]: 1 }, { maxTotalLength: 30 })?.[0]?.path).toEqual(["k".repeat(30)]);
  });

  it("the default refuses an in list of 10,000 strings of 4,096 characters, and takes one of 9,995 of 100", () => {
    const strings = (n: number, length: number) => Array.from({ length: n }, (_, i) => `${i}`.padEnd(length, "x"));
    expect(refusal({ field: "a", operator: "in", value: strings(10_000, 4_096) }, {})?.[0]).toMatchObject({
      code: "too_long",
      path: ["value", 244],
      limit: "maxTotalLength",
    });
    expect(refusal({ field: "a", operator: "in", value: strings(9_995, 100) }, {})).toBeUndefined();
  });

  it("maxPathSegments counts each distinct field's path once", () => {
    const or = (...fields: string[]) => ({ $or: fields.map((field, i) => ({ field, operator: "eq", value: i })) });
    // a.b.c (3) twice counts once, a.b.d (3): 6.
    expect(refusal(or("a.b.c", "a.b.c", "a.b.d"), { maxPathSegments: 6 })).toBeUndefined();
    expect(refusal(or("a.b.c", "a.b.c", "a.b.d", "x"), { maxPathSegments: 6 })).toEqual([
      {
        code: "too_many_items",
        path: ["$or", 3, "field"],
        message: "the field paths have more than 6 segments together (limits.maxPathSegments)",
        limit: "maxPathSegments",
      },
    ]);
    // Reported once, where the count passed the bound.
    expect(refusal(or("a.b", "c.d", "e.f", "g.h"), { maxPathSegments: 3 })?.map((i) => i.path)).toEqual([
      ["$or", 1, "field"],
    ]);
    // A catalog field counts its path (p.q.r.s: 4), once however many leaves name it.
    const fields = defineFields({ deep: { type: "number", path: "p.q.r.s" }, flat: { type: "number" } });
    expect(refusal(or("deep", "deep", "flat"), { maxPathSegments: 5 }, fields)).toBeUndefined();
    expect(refusal(or("flat", "deep", "deep"), { maxPathSegments: 4 }, fields)?.map((i) => i.path)).toEqual([
      ["$or", 1, "field"],
    ]);
  });

  it("the default takes 2,499 leaves on distinct 10-segment paths and refuses an 11th segment each", () => {
    const paths = (segments: number) =>
      Array.from({ length: 2_499 }, (_, i) => [...Array.from({ length: segments - 1 }, () => "s"), `${i}`].join("."));
    const or = (fields: string[]) => ({ $or: fields.map((field, i) => ({ field, operator: "eq", value: i })) });
    expect(refusal(or(paths(10)), {})).toBeUndefined();
    expect(refusal(or(paths(11)), {})?.[0]).toMatchObject({
      code: "too_many_items",
      path: ["$or", Math.floor(25_000 / 11), "field"],
    });
  });
});
