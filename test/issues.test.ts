/**
 * Issues as data: every issue's message is the one renderer's sentence of its code and data
 * (`issueMessage`), every code and reason has a sentence, each code's data is on the issues
 * real calls throw, and fromMongoQuery's refusals say which refusal they are.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ConditionError,
  contactFields,
  countMembersMany,
  createSegment,
  defineFields,
  fromMongoQuery,
  issueMessage,
  safeParseCondition,
  toSql,
  type ConditionIssue,
  type ConditionIssueCode,
  type ConditionIssueOf,
} from "../src/index.js";
import type { IssueDataFor } from "../src/errors.js";
import { conditionArb } from "./arbitraries.js";
import { runs } from "./fc-setup.js";

/** The reasons of code `C` ("" for a code with one sentence). */
type Reasons<C extends ConditionIssueCode> =
  IssueDataFor<C> extends infer I ? (I extends { readonly reason: infer R } ? R & string : "") : never;
type Sample<C extends ConditionIssueCode, R> = R extends ""
  ? IssueDataFor<C>
  : Extract<IssueDataFor<C>, { readonly reason: unknown }> & { readonly reason: R };

/** One issue's data for every reason of every code: a code or reason without a row is a type error. */
const SAMPLES: { readonly [C in ConditionIssueCode]: { readonly [R in Reasons<C>]: Sample<C, R> } } = {
  invalid_type: {
    condition: { reason: "condition", expected: "a plain object", received: "an array" },
    logical_list: {
      reason: "logical_list",
      key: "$and",
      expected: "a non-empty list of conditions",
      received: "an object",
    },
    not_list: { reason: "not_list", expected: "one condition", received: "an array" },
    leaf: { reason: "leaf", key: "field", expected: "a string", received: "5" },
    operator: { reason: "operator", expected: "a string", received: "5", allowed: ["eq"] },
    filter: { reason: "filter", expected: "a plain object", received: "5" },
    filter_list: { reason: "filter_list", key: "$or", expected: "a non-empty list of filters", received: "5" },
    filter_operand: {
      reason: "filter_operand",
      key: "$not",
      expected: "an operator expression or a regular expression",
      received: "5",
    },
    argument: { reason: "argument", argument: "contacts", expected: "an Iterable", received: "5" },
    contact_id: { reason: "contact_id", expected: "a contact with an _id or an id", received: "undefined" },
    not_compiled: { reason: "not_compiled" },
    not_an_issue: { reason: "not_an_issue" },
  },
  unknown_key: {
    condition: { reason: "condition", received: '"feld"', allowed: ["field"], suggestions: ["field"] },
  },
  unknown_shape: {
    mixed: { reason: "mixed", shapes: ["field", "logical"], keys: ["field", "$and"] },
    empty: { reason: "empty" },
  },
  missing_key: {
    field_condition: { reason: "field_condition", key: "value" },
    body: { reason: "body", key: "name" },
    segment: { reason: "segment", key: "id" },
    option: { reason: "option", key: "id" },
  },
  unknown_operator: { "": { received: '"like"', allowed: ["eq", "contains"], suggestions: ["contains"] } },
  invalid_value: {
    leaf: { reason: "leaf", key: "value", operator: "in", expected: "a non-empty list", received: '"US"' },
    relative_operator: { reason: "relative_operator", field: "createdAt", operator: "eq", received: '"now-1d"' },
    relative_field: { reason: "relative_field", field: "plan", type: "string", received: '"now-1d"' },
    field_type: { reason: "field_type", field: "age", type: "number", received: '"5"', suggestions: ["5"] },
    text_length: { reason: "text_length", key: "name", size: 0, maximum: 100, trimmed: true },
    segment_field: { reason: "segment_field", key: "id", expected: "a non-empty string", received: '""' },
    lift_operand: { reason: "lift_operand", kind: "null", received: "null" },
    lift_invalid_date: { reason: "lift_invalid_date", received: "an instance of Date" },
    lift_date_field: { reason: "lift_date_field", field: "joined", storage: "date", received: '"2024"' },
  },
  null_value: {
    leaf: { reason: "leaf", key: "value" },
    logical_list: { reason: "logical_list", key: "$or", expected: "a non-empty list of conditions", received: "null" },
  },
  non_finite_number: { "": { key: "value", operator: "eq", received: "NaN" } },
  empty_list: { "": { key: "$and" } },
  invalid_field: { "": { problem: "reserved_segment", name: "a.__proto__", segment: "__proto__" } },
  invalid_topic: { "": {} },
  invalid_string: { "": { key: "value", operator: "eq" } },
  cyclic_input: { "": {} },
  too_deep: { condition: { reason: "condition", maximum: 2, limit: "maxDepth" } },
  too_many_nodes: { "": { maximum: 10, limit: "maxNodes" } },
  too_many_items: {
    list: { reason: "list", size: 3, maximum: 2, limit: "maxListLength" },
    segments: { reason: "segments", maximum: 1_000_000, limit: "segmentsPerCall" },
    changes: { reason: "changes", maximum: 10_000_000, limit: "changesPerDiff" },
    path_segments: { reason: "path_segments", maximum: 25_000, limit: "maxPathSegments" },
    parameters: {
      reason: "parameters",
      size: 70_000,
      placeholder: "$70000",
      database: "PostgreSQL",
      maximum: 65_535,
      limit: "postgresql.parameters",
    },
  },
  too_long: {
    string: { reason: "string", size: 5000, maximum: 4096, limit: "maxStringLength" },
    key: { reason: "key", size: 5000, maximum: 4096, limit: "maxStringLength" },
    path: { reason: "path", size: 20_000, maximum: 10_000, limit: "pathKeys" },
    total: { reason: "total", maximum: 1_000_000, limit: "maxTotalLength" },
    regex: { reason: "regex", operator: "contains", size: 40_000, maximum: 32_764, limit: "mongodb.regexBytes" },
  },
  unreadable_input: { input: { reason: "input", thrown: "no" }, argument: { reason: "argument", thrown: "no" } },
  invalid_options: {
    unreadable: { reason: "unreadable", thrown: "no" },
    clock: { reason: "clock", thrown: "no" },
    option_value: { reason: "option_value", option: "jitless", expected: "true or false", received: "1" },
    unknown_option: {
      reason: "unknown_option",
      scope: "limits",
      received: '"maxDeep"',
      allowed: ["maxDepth"],
      suggestions: ["maxDepth"],
    },
    engine_option: { reason: "engine_option", received: '"fields"' },
    max_depth: { reason: "max_depth", maximum: 46, limit: "maxDepth" },
    topics_path: { reason: "topics_path", problem: "empty_segment", name: "a..b" },
    sql_identifier: { reason: "sql_identifier", option: "sql.table", identifier: "too_long", maximum: 63 },
    sql_unknown_field: { reason: "sql_unknown_field", field: "nope" },
    sql_needs: { reason: "sql_needs", option: "fields" },
  },
  invalid_catalog: {
    unreadable: { reason: "unreadable", thrown: "no" },
    not_object: { reason: "not_object" },
    field_name: { reason: "field_name" },
    spec_not_object: { reason: "spec_not_object", field: "x" },
    unknown_key: { reason: "unknown_key", received: '"typ"', allowed: ["type"], suggestions: ["type"] },
    type: { reason: "type", allowed: ["string"], received: '"nope"' },
    path_type: { reason: "path_type" },
    path: { reason: "path", problem: "operator_segment", name: "$a", defaulted: true },
    enum_values: { reason: "enum_values" },
    enum_unique: { reason: "enum_unique" },
    not_applicable: { reason: "not_applicable", key: "storage", type: "number" },
    storage: { reason: "storage", allowed: ["date", "epochMillis"], received: '"x"' },
    text: { reason: "text", key: "label", maximum: 1000 },
    property: { reason: "property", problem: "slot_type", received: '"propertyFloat3"' },
  },
  unknown_field: {
    catalog: { reason: "catalog", received: '"contry"', suggestions: ["country"], known: ["country"] },
    stored_at: { reason: "stored_at", received: '"x"' },
  },
  not_liftable: {
    empty_filter: { reason: "empty_filter" },
    refused_operator: { reason: "refused_operator", operator: "$where" },
    unknown_operator: { reason: "unknown_operator", operator: "$foo" },
    mixed_expression: { reason: "mixed_expression" },
    regex_options_alone: { reason: "regex_options_alone" },
    regex_nul: { reason: "regex_nul" },
    regex_flags: { reason: "regex_flags", flags: "i" },
    regex_dollar: { reason: "regex_dollar" },
    regex_syntax: { reason: "regex_syntax" },
    regex_whole: { reason: "regex_whole" },
    regex_form: { reason: "regex_form", operator: "contains", literal: "a", pattern: "a" },
    topics_path: { reason: "topics_path" },
    platform_fails: { reason: "platform_fails", fails: "operator_type", type: "number", received: '"contains"' },
    inexpressible: { reason: "inexpressible", what: "like_underscore", received: '"a_b"' },
  },
  invalid_operator: { "": { field: "status", type: "enum", received: '"gt"', allowed: ["eq"] } },
  invalid_date: { "": { field: "createdAt", problem: "no_day", part: "2023-02-29", received: '"2023-02-29"' } },
  duplicate_id: { "": { received: '"vip"' } },
  foreign_condition: { options: { reason: "options" }, call: { reason: "call" } },
};

const ROWS = Object.entries(SAMPLES).flatMap(([code, byReason]) =>
  Object.entries(byReason as Record<string, object>).map(([reason, data]) => [code, reason, data] as const),
);

/** Every issue's message is the renderer's sentence of its own data. */
function expectRendered(issues: readonly ConditionIssue[]): void {
  for (const issue of issues) expect(issue.message, JSON.stringify(issue)).toBe(issueMessage(issue));
}

function issuesOf(run: () => unknown): readonly ConditionIssue[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConditionError) return error.issues;
    throw error;
  }
  throw new Error("expected a ConditionError");
}

describe("one renderer writes every code's sentences", () => {
  it.each(ROWS)("%s, reason %s", (code, reason, data) => {
    const message = issueMessage({ code, path: ["a", 0], ...data } as never);
    expect(message).not.toMatch(/^invalid (issue|input)|undefined|\[object Object\]|NaN(?!$)/);
    expect(message.length).toBeGreaterThan(10);
    // A ConditionError built from the data alone reads the same.
    expect(new ConditionError([{ code, path: [], message, ...data } as never]).issues[0]).toMatchObject({
      code,
      message,
      ...(reason === "" ? {} : { reason }),
    });
  });

  it("says so, without throwing, for what is not an issue", () => {
    expect(issueMessage(null as never)).toBe("invalid issue");
    expect(issueMessage({ code: "nope", path: [] } as never)).toBe("invalid issue");
    expect(issueMessage({ code: "too_deep", path: [], reason: "constructor" } as never)).toBe(
      "invalid input (too_deep)",
    );
    expect(issueMessage({ code: "unknown_shape", path: [], reason: "mixed" } as never)).toBe("invalid issue");
  });

  it("one 'did you mean' wording, written only in src/messages.ts (the CLI's usage errors are its own)", () => {
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
    const writers = files("src").filter(
      (f) =>
        f.endsWith(".ts") &&
        !f.startsWith(join("src", "cli")) &&
        /did you mean/i.test(readFileSync(f, "utf8").replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, "")),
    );
    expect(writers).toEqual([join("src", "messages.ts")]);
    expect(
      issueMessage({
        code: "unknown_operator",
        path: [],
        received: '"=="',
        allowed: ["eq"],
        suggestions: ["eq", "ne"],
      }),
    ).toBe('unknown operator "==" (did you mean "eq" or "ne"?) (expected one of eq)');
  });

  it("every message of generated inputs is the renderer's (no site writes its own English)", () => {
    const inputs = fc.oneof(
      conditionArb,
      fc.anything(),
      fc.dictionary(
        fc.constantFrom("field", "operator", "value", "$and", "$or", "$not", "subscribedToTopic", "x"),
        fc.anything(),
      ),
    );
    fc.assert(
      fc.property(
        inputs,
        fc.constantFrom(
          undefined,
          { fields: contactFields },
          { limits: { maxDepth: 3, maxListLength: 3, maxStringLength: 20, maxNodes: 30 } },
        ),
        (input, options) => {
          const result = safeParseCondition(input, options);
          if (!result.success) expectRendered(result.error.issues);
        },
      ),
      { numRuns: runs(500) },
    );
  });
});

describe("each code's data is on the issues real calls throw", () => {
  const only = <C extends ConditionIssueCode>(
    issues: readonly ConditionIssue[] | undefined,
    code: C,
  ): ConditionIssueOf<C> => {
    const found = issues?.filter((i): i is ConditionIssueOf<C> => i.code === code) ?? [];
    expect(found).toHaveLength(1);
    expectRendered(issues!);
    return found[0]!;
  };

  it("size issues carry the limit and its name", () => {
    const deep = only(
      safeParseCondition(
        { $not: { $not: { $not: { field: "a", operator: "eq", value: 1 } } } },
        { limits: { maxDepth: 2 } },
      ).error?.issues,
      "too_deep",
    );
    expect(deep).toMatchObject({ reason: "condition", maximum: 2, limit: "maxDepth" });
    const many = only(
      safeParseCondition({ field: "a", operator: "in", value: [1, 2, 3] }, { limits: { maxListLength: 2 } }).error
        ?.issues,
      "too_many_items",
    );
    expect(many).toMatchObject({ reason: "list", size: 3, maximum: 2, limit: "maxListLength" });
    const long = only(
      safeParseCondition({ field: "a", operator: "eq", value: "abcdefghij" }, { limits: { maxStringLength: 8 } }).error
        ?.issues,
      "too_long",
    );
    expect(long).toMatchObject({ reason: "string", size: 10, maximum: 8, limit: "maxStringLength" });
    const nodes = only(
      safeParseCondition(
        {
          $and: [
            { field: "a", operator: "eq", value: 1 },
            { field: "b", operator: "eq", value: 1 },
          ],
        },
        { limits: { maxNodes: 3 } },
      ).error?.issues,
      "too_many_nodes",
    );
    expect(nodes).toMatchObject({ maximum: 3, limit: "maxNodes" });
    const values = Array.from({ length: 6_000 }, (_, i) => `c${i}`);
    const sql = only(
      issuesOf(() =>
        toSql(
          { $or: values.map((value) => ({ field: "city", operator: "eq", value })) },
          {
            fields: contactFields,
            sql: { table: "c", id: "id", topics: { column: "t" }, paramOffset: 60_000 },
            limits: { maxNodes: 100_000 },
          },
        ),
      ),
      "too_many_items",
    );
    expect(sql).toMatchObject({
      reason: "parameters",
      maximum: 65_535,
      limit: "postgresql.parameters",
      database: "PostgreSQL",
    });
    expect(sql.size).toBeGreaterThan(65_535);
    const offset = only(
      issuesOf(() =>
        toSql(
          { field: "city", operator: "eq", value: "x" },
          { fields: contactFields, sql: { table: "c", id: "id", topics: { column: "t" }, paramOffset: -1 } },
        ),
      ),
      "invalid_options",
    );
    expect(offset).toMatchObject({ reason: "option_value", option: "sql.paramOffset", received: "-1" });
  });

  it("choices carry what was written, what is allowed and the nearest", () => {
    const operator = only(
      safeParseCondition({ field: "a", operator: "greater_than", value: 1 }).error?.issues,
      "unknown_operator",
    );
    expect(operator).toMatchObject({ received: '"greater_than"', suggestions: ["gt"] });
    expect(operator.allowed).toContain("gte");
    const key = only(safeParseCondition({ feld: "a", operator: "eq", value: 1 }).error?.issues, "unknown_key");
    expect(key).toMatchObject({ reason: "condition", received: '"feld"', suggestions: ["field"] });
    const field = only(
      safeParseCondition({ field: "contry", operator: "eq", value: "US" }, { fields: contactFields }).error?.issues,
      "unknown_field",
    );
    expect(field).toMatchObject({ reason: "catalog", received: '"contry"', suggestions: ["country"] });
    const typed = only(
      safeParseCondition({ field: "status", operator: "gt", value: "A" }, { fields: contactFields }).error?.issues,
      "invalid_operator",
    );
    expect(typed).toMatchObject({ field: "status", type: "enum", received: '"gt"' });
    const option = only(
      safeParseCondition({ field: "a", operator: "eq", value: 1 }, { limits: { maxDept: 3 } as never }).error?.issues,
      "invalid_options",
    );
    expect(option).toMatchObject({
      reason: "unknown_option",
      scope: "limits",
      received: '"maxDept"',
      suggestions: ["maxDepth"],
    });
    expect(option.message).toBe('unknown limit "maxDept" (did you mean "maxDepth"?)');
  });

  it("values and dates say which part is at fault", () => {
    const date = only(
      safeParseCondition({ field: "createdAt", operator: "eq", value: "2023-02-29" }, { fields: contactFields }).error
        ?.issues,
      "invalid_date",
    );
    expect(date).toMatchObject({ field: "createdAt", problem: "no_day", part: "2023-02-29" });
    expect(date.message).toBe('field "createdAt" is a date: "2023-02-29" is not a date: 2023-02 has no day 29');
    const path = only(
      safeParseCondition({ field: "items.01", operator: "eq", value: 1 }).error?.issues,
      "invalid_field",
    );
    expect(path).toMatchObject({ problem: "leading_zero", name: "items.01", segment: "01" });
    const leaf = only(safeParseCondition({ field: "a", operator: "in", value: "US" }).error?.issues, "invalid_value");
    expect(leaf).toMatchObject({ reason: "leaf", key: "value", operator: "in", received: '"US"' });
    const catalog = only(
      issuesOf(() => defineFields({ a: { type: "string", path: "$a" } })),
      "invalid_catalog",
    );
    expect(catalog).toMatchObject({ reason: "path", problem: "operator_segment", name: "$a", defaulted: false });
  });

  it("segments and many-segment calls", () => {
    const name = only(
      issuesOf(() => createSegment({ name: " ", conditions: { field: "a", operator: "eq", value: 1 } }, { id: "s" })),
      "invalid_value",
    );
    expect(name).toMatchObject({ reason: "text_length", key: "name", size: 0, maximum: 100, trimmed: true });
    const duplicate = only(
      issuesOf(() =>
        countMembersMany(
          [
            ["a", { field: "a", operator: "eq", value: 1 }],
            ["a", { field: "a", operator: "eq", value: 2 }],
          ],
          [],
        ),
      ),
      "duplicate_id",
    );
    expect(duplicate).toMatchObject({ received: '"a"' });
  });
});

describe("fromMongoQuery's refusals say which refusal they are", () => {
  const reasons = (filter: unknown, options = {}) =>
    issuesOf(() => fromMongoQuery(filter, options)).map((i) => [i.code, "reason" in i ? i.reason : undefined]);

  it.each([
    [{}, [["not_liftable", "empty_filter"]]],
    [{ $where: "1" }, [["not_liftable", "refused_operator"]]],
    [{ a: { $exists: true } }, [["not_liftable", "refused_operator"]]],
    [{ $comment: "x" }, [["not_liftable", "unknown_operator"]]],
    [{ a: { $foo: 1 } }, [["not_liftable", "unknown_operator"]]],
    [{ a: { $eq: 1, b: 2 } }, [["not_liftable", "mixed_expression"]]],
    [{ a: { $options: "i" } }, [["not_liftable", "regex_options_alone"]]],
    [{ a: /a/i }, [["not_liftable", "regex_flags"]]],
    [{ a: { $regex: "abc$" } }, [["not_liftable", "regex_dollar"]]],
    [{ a: { $regex: "a|b" } }, [["not_liftable", "regex_syntax"]]],
    [{ a: { $regex: "^a(?![\\s\\S])" } }, [["not_liftable", "regex_whole"]]],
    [{ a: { $regex: "a\u0000" } }, [["not_liftable", "regex_nul"]]],
    [{ a: { $regex: "\\x61" } }, [["not_liftable", "regex_form"]]],
    [{ a: null, b: [1] }, [["invalid_value", "lift_operand"]]],
    [{ a: new Date(0) }, [["invalid_value", "lift_operand"]]],
    [[], [["invalid_type", "filter"]]],
    [{ $and: {} }, [["invalid_type", "filter_list"]]],
    [{ a: { $in: 1 } }, [["invalid_type", "filter_operand"]]],
  ] as const)("%j", (filter, expected) => {
    expect(reasons(filter)).toEqual(expected);
  });

  it("with a catalog: date fields, stored paths and the topics path", () => {
    const fields = { joined: { type: "date" }, name: { type: "string" } } as const;
    expect(reasons({ joined: { $gt: "2024-01-01" } }, { fields })).toEqual([["invalid_value", "lift_date_field"]]);
    expect(reasons({ joined: new Date(Number.NaN) }, { fields })).toEqual([["invalid_value", "lift_invalid_date"]]);
    expect(reasons({ other: 1 }, { fields })).toEqual([["unknown_field", "stored_at"]]);
    expect(reasons({ topics: { $size: 1 } }, { fields, topics: { layout: "records" } })).toEqual([
      ["not_liftable", "topics_path"],
    ]);
  });

  it("a lifted part the language refuses names what it was lifted as", () => {
    const issues = issuesOf(() => fromMongoQuery({ status: "gold" }, { fields: contactFields }));
    expect(issues).toMatchObject([
      { code: "invalid_value", reason: "field_type", lifted: '{"field":"status","operator":"eq","value":"gold"}' },
    ]);
    expect(issues[0]!.message).toMatch(
      /is not one of .* \(lifted as \{"field":"status","operator":"eq","value":"gold"\}\)$/,
    );
    expectRendered(issues);
  });
});

describe("review cases: hostile issues and long input", () => {
  it("never answers with something inherited from Object.prototype", () => {
    expect(
      issueMessage({ code: "not_liftable", path: [], reason: "refused_operator", operator: "constructor" } as never),
    ).toBe('"constructor" cannot be lifted into the language');
    expect(typeof issueMessage({ code: "invalid_field", path: [], problem: "toString", name: "a" } as never)).toBe(
      "string",
    );
    expect(
      issueMessage({
        code: "invalid_type",
        path: [],
        reason: "argument",
        argument: "__proto__",
        expected: "x",
      } as never),
    ).toBe("the argument must be x");
  });

  it("a caller's issue keeps its code, path and message when a data key cannot be read", () => {
    const given = {
      code: "invalid_type",
      path: ["a"],
      message: "bad",
      get expected(): string {
        throw new Error("no");
      },
    };
    const error = new ConditionError([given as never]);
    expect(error.issues).toEqual([{ code: "invalid_type", path: ["a"], message: "bad" }]);
    // Any object with a code, a path and a message is taken by the constructor's type.
    expect(new ConditionError([{ code: "invalid_type", path: [], message: "x" }]).issues[0]?.message).toBe("x");
  });

  it("a path longer than any input's is not an issue's (the fallback issue stands for it)", () => {
    const error = new ConditionError([{ code: "invalid_type", path: new Array<number>(20_000).fill(0), message: "x" }]);
    expect(error.issues.map((i) => [i.code, i.message])).toEqual([["invalid_type", "invalid condition"]]);
  });

  it("a refused field name is cut to 200 characters in the data and the message", () => {
    const name = `${"a".repeat(4_000)}..b`;
    const issue = safeParseCondition({ field: name, operator: "eq", value: 1 }).error!.issues[0]!;
    expect(issue.code).toBe("invalid_field");
    expect((issue as { name: string }).name).toHaveLength(201);
    expect(issue.message.length).toBeLessThan(300);
  });

  it("what a getter throws is cut to 200 characters", () => {
    const input = {
      get field(): string {
        throw new Error("x".repeat(100_000));
      },
      operator: "eq",
      value: 1,
    };
    const issue = safeParseCondition(input).error!.issues[0]!;
    expect(issue.code).toBe("unreadable_input");
    expect(issue.message.length).toBeLessThan(300);
  });
});
