/**
 * The answers that depend on the server version, pinned to MongoDB's own tests and release
 * notes of each version: null equality on BSON undefined (8.0), null on dotted paths
 * through arrays (9.0), and a numeric segment that selects a scalar. Each row is checked
 * against the reference rule (the port of the server's path iterator) and on every
 * evaluator tier (tiers.ts): closures, generated code, the compiled `matches` cold and hot,
 * the segment index and both tiers of countMembersMany.
 */
import { describe, expect, it } from "vitest";
import { compileCondition, ConditionError, MONGO_VERSIONS, type Condition, type MongoVersion } from "../src/index.js";
import { mongoLeafMatches } from "./reference/mongo-rule.js";
import { expectAllTiers, expectTiers, itRanEveryTier, TIERS } from "./tiers.js";

const isNull = (field: string): Condition => ({ field, operator: "exists", value: false });
const notNull = (field: string): Condition => ({ field, operator: "exists", value: true });

/** Every tier's answer on one document, and the reference rule's on the leaf: one answer for all. */
function check(
  condition: Condition,
  doc: Record<string, unknown>,
  version: MongoVersion,
  expected: boolean,
  leaf?: [string, string, unknown],
): void {
  expectAllTiers(condition, doc, expected, { mongoVersion: version });
  if (leaf) expect(mongoLeafMatches(doc, leaf[0], leaf[1], leaf[2], version)).toBe(expected);
}

/** jstests/core/query/null_query_semantics.js: its documents, by _id. */
const NULL_QUERY_DOCS: Record<string, Record<string, unknown>> = {
  a_empty_subobject: { a: {} },
  a_null: { a: null },
  a_number: { a: 4 },
  a_subobject_b_not_null: { a: { b: "hi" } },
  a_subobject_b_null: { a: { b: null } },
  a_subobject_b_undefined: { a: { b: undefined } },
  a_undefined: { a: undefined },
  no_a: {},
  a_double_array: { a: [[]] },
  a_empty_array: { a: [] },
  a_object_array_b_mix_null_undefined_missing: { a: [{ b: null }, { b: undefined }, { b: null }, {}] },
  a_object_array_no_b_nulls: { a: [{ b: 1 }, { b: 3 }, { b: "string" }] },
  a_object_array_some_b_nulls: { a: [{ b: null }, { b: 3 }, { b: null }] },
  a_object_array_some_b_undefined: { a: [{ b: undefined }, { b: 3 }] },
  a_object_array_some_b_missing: { a: [{ b: 3 }, {}] },
  a_value_array_all_nulls: { a: [null, null] },
  a_value_array_no_nulls: { a: [1, "string", 4] },
  a_value_array_with_null: { a: [1, "string", null, 4] },
  a_value_array_with_undefined: { a: [1, "string", undefined, 4] },
};

/**
 * The _ids each query returns. 9.0: the file at requires_fcv_90. 8.0: the same file before
 * SERVER-36681 (arrays of scalars, empty and nested arrays do not match {"a.b": null}).
 * 7.0: 8.0 plus every document where the value is undefined, which null matched before 8.0.
 */
const A_NULL_80 = ["a_null", "no_a", "a_value_array_all_nulls", "a_value_array_with_null"];
const AB_NULL_80 = [
  "a_empty_subobject",
  "a_null",
  "a_number",
  "a_subobject_b_null",
  "a_undefined",
  "no_a",
  "a_object_array_b_mix_null_undefined_missing",
  "a_object_array_some_b_nulls",
  "a_object_array_some_b_missing",
];
const EXPECTED: Record<"a" | "a.b", Record<MongoVersion, readonly string[]>> = {
  a: {
    "7.0": [...A_NULL_80, "a_undefined", "a_value_array_with_undefined"],
    "8.0": A_NULL_80,
    "9.0": A_NULL_80,
  },
  "a.b": {
    "7.0": [...AB_NULL_80, "a_subobject_b_undefined", "a_object_array_some_b_undefined"],
    "8.0": AB_NULL_80,
    "9.0": [
      ...AB_NULL_80,
      "a_double_array",
      "a_empty_array",
      "a_value_array_all_nulls",
      "a_value_array_no_nulls",
      "a_value_array_with_null",
      "a_value_array_with_undefined",
    ],
  },
};

describe("null_query_semantics.js, per version", () => {
  const rows = MONGO_VERSIONS.flatMap((version) =>
    (["a", "a.b"] as const).flatMap((path) => Object.keys(NULL_QUERY_DOCS).map((id) => [version, path, id] as const)),
  );
  it.each(rows)("%s: {%s: null} on %s", (version, path, id) => {
    const doc = NULL_QUERY_DOCS[id]!;
    const matches = EXPECTED[path][version].includes(id);
    check(isNull(path), doc, version, matches, [path, "$eq", null]);
    check(notNull(path), doc, version, !matches, [path, "$ne", null]);
  });
});

describe("release notes and version-specific jstests", () => {
  it("8.0 compatibility notes: {name: null} no longer matches undefined, as a field or an array element", () => {
    const people = [
      { _id: 1, name: null },
      { _id: 2, name: undefined },
      { _id: 3, name: ["Gabriel", undefined] },
      { _id: 4, names: ["Alice", "Charu"] },
    ];
    const expected: Record<MongoVersion, number[]> = { "7.0": [1, 2, 3, 4], "8.0": [1, 4], "9.0": [1, 4] };
    for (const version of MONGO_VERSIONS)
      expectTiers(
        isNull("name"),
        people,
        (p) => expected[version].includes((p as { _id: number })._id),
        { mongoVersion: version },
        { full: true },
      );
  });

  it("9.0 compatibility notes: {'a.b': null} matches {a: [1]} and {a: []} from 9.0, $ne the reverse", () => {
    for (const doc of [{ a: [1] }, { a: [] }]) {
      for (const version of MONGO_VERSIONS) {
        check(isNull("a.b"), doc, version, version === "9.0", ["a.b", "$eq", null]);
        check(notNull("a.b"), doc, version, version !== "9.0", ["a.b", "$ne", null]);
      }
    }
  });

  it("dotted_path_in_null.js: {'a.b': {$in: [null]}} returns [2, 3, 4, 5] on 9.0, [2, 4] before", () => {
    const docs = [
      { _id: 1, a: [{ b: 5 }] },
      { _id: 2, a: [{}] },
      { _id: 3, a: [] },
      { _id: 4, a: [{}, { b: 5 }] },
      { _id: 5, a: [5, { b: 5 }] },
    ];
    for (const version of MONGO_VERSIONS) {
      const expected = version === "9.0" ? [2, 3, 4, 5] : [2, 4];
      for (const doc of docs) check(isNull("a.b"), doc, version, expected.includes(doc._id), ["a.b", "$eq", null]);
    }
  });

  it("ne_null.js (9.0): no document without a value at a.b matches {'a.b': {$ne: null}}", () => {
    const docs = [{ a: [1, { c: 1 }] }, { a: [1] }, { a: [] }, { a: [[]] }, { a: [{}] }, {}, { a: {} }, { a: null }];
    for (const doc of docs) check(notNull("a.b"), doc, "9.0", false, ["a.b", "$ne", null]);
    // Before 9.0 the arrays without objects ({a: [1]}, {a: []}, {a: [[]]}) matched $ne: null (the legacy-knob tests).
    const legacy = [JSON.stringify({ a: [1] }), JSON.stringify({ a: [] }), JSON.stringify({ a: [[]] })];
    for (const doc of docs)
      check(notNull("a.b"), doc, "8.0", legacy.includes(JSON.stringify(doc)), ["a.b", "$ne", null]);
  });

  it("arrayfind5.js: $elemMatch still skips scalars on 9.0, while {'a.b': null} matches them", () => {
    const doc = { topics: [5, { topicId: "t1", status: "SUBSCRIBED" }] };
    const records = { topics: { layout: "records" }, mongoVersion: "9.0" } as const;
    expectAllTiers({ subscribedToTopic: ["t1"] }, doc, true, records);
    expectAllTiers({ notSubscribedToTopic: ["t2"] }, { topics: [5] }, true, records);
    check(isNull("a.b"), { a: [5, { b: 1 }] }, "9.0", true, ["a.b", "$eq", null]);
  });
});

/**
 * The server's path iterator (path.cpp `BSONElementIterator::more()`), case by case: rows
 * are {path: null} on a document, with the 8.0 and 9.0 answers. A scalar selected by an
 * array position with path left over yields no value at all (path_test.cpp
 * `Path.NestedPartialMatchArray`), so it never matches null before 9.0; in 9.0 a "fresh"
 * array (the value of a field) that yields nothing yields "missing" at its end.
 */
const PATH_ROWS: [string, unknown, boolean, boolean][] = [
  ["a.0.b", [5], false, true],
  ["a.0.b", [null], false, true],
  ["a.0.b", ["x"], false, true],
  ["a.0.0", [0], false, true],
  ["a.0.b", [], false, true],
  ["a.1.b", [5], false, true],
  ["a.1.b", [5, 6], false, true],
  ["a.0.b", [[1]], false, true],
  ["a.0.b", [[]], false, false],
  ["a.0.b", [{ b: 1 }], true, true],
  ["a.0.b", [[{ b: 1 }]], false, false],
  ["a.0", [], false, true],
  ["a.1", [5], false, true],
  ["a.0", [5], false, false],
  ["a.0", [{ b: 1 }], true, true],
  ["a.b", [[1]], false, true],
  ["a.b", [[[]]], false, true],
  ["a.b", [[{ b: 2 }], { b: 3 }], false, true],
  ["a.b", [{ b: 2 }, [{ b: 3 }]], false, true],
  ["a.b", [[], { b: 3 }], false, true],
  ["a.b", [{ b: [[3]] }], false, false],
  ["a.b", { b: [[2]] }, false, false],
  ["a", [], false, false],
  ["a.b", { b: [] }, false, false],
  ["a.b.c", { b: [] }, false, true],
  ["a.b.c", [{ b: [] }], false, true],
  ["a.b.c", [{ b: [1] }], false, true],
  ["a.b.c", [{ b: 5 }], true, true],
  ["a.b.0", [{ b: [] }], false, true],
  ["a.0.0.c", [[5]], false, false],
];

describe("path iteration, case by case", () => {
  const rows = PATH_ROWS.flatMap(([path, a, v80, v90]) =>
    MONGO_VERSIONS.map((version) => [path, JSON.stringify(a), version, version === "9.0" ? v90 : v80] as const),
  );
  it.each(rows)("{%s: null} on {a: %s} (%s)", (path, a, version, expected) => {
    const doc = { a: JSON.parse(a) as unknown };
    check(isNull(path), doc, version, expected, [path, "$eq", null]);
    check(notNull(path), doc, version, !expected, [path, "$ne", null]);
  });

  it("a scalar selected by position offers no value to any other test either", () => {
    for (const version of MONGO_VERSIONS) {
      check({ field: "a.0.b", operator: "eq", value: 5 }, { a: [5] }, version, false, ["a.0.b", "$eq", 5]);
      check({ field: "a.0.b", operator: "ne", value: 5 }, { a: [5] }, version, true, ["a.0.b", "$ne", 5]);
      check({ field: "a.0.b", operator: "nin", value: [1] }, { a: [5] }, version, true, ["a.0.b", "$nin", [1]]);
    }
  });
});

describe("the mongoVersion option", () => {
  it("defaults to 8.0", () => {
    expectAllTiers(isNull("a"), { a: undefined }, false);
    expectAllTiers(isNull("a"), { a: undefined }, true, { mongoVersion: "7.0" });
  });
  it("refuses anything but the three versions, with the path", () => {
    for (const bad of ["6.0", 8, "8", null, "9.0 "]) {
      try {
        compileCondition(isNull("a"), { mongoVersion: bad as never });
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(ConditionError);
        expect((error as ConditionError).issues[0]).toMatchObject({
          code: "invalid_options",
          path: ["options", "mongoVersion"],
        });
      }
    }
  });
  it("does not change the filter", () => {
    const filters = MONGO_VERSIONS.map((v) => compileCondition(isNull("a.b"), { mongoVersion: v }).filter);
    expect(filters).toEqual([{ "a.b": { $eq: null } }, { "a.b": { $eq: null } }, { "a.b": { $eq: null } }]);
  });
});

itRanEveryTier([...TIERS]);
