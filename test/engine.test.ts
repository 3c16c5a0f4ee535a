/**
 * The compiler instance: options resolved once, the whole API as methods, answers equal to
 * the free functions with the same options, and compiled conditions that remember the
 * options they were compiled with.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  changeStreamMatch,
  compileCondition,
  conditionJsonSchema,
  contactFields,
  countMembers,
  countMembersMany,
  createSegment,
  createSegmatch,
  createSegmentIndex,
  defineFields,
  describeFields,
  diffMembership,
  explainCondition,
  fromMongoQuery,
  isConditionError,
  membershipChangeFilters,
  membershipChangeSql,
  MONGO_VERSIONS,
  parseCondition,
  safeParseCondition,
  toMongoFilter,
  toPredicate,
  toSql,
  updateSegment,
  previewSegmentUpdate,
  type ConditionError,
  type ConditionOptions,
  type Segment,
  type SegmentIndex,
} from "../src/index.js";
import { conditionArb, docArb, recordsDocArb, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { refusal } from "./refusal.js";
import { runs } from "./fc-setup.js";

const fields = defineFields(contactFields, { ltv: { type: "number", path: "properties.ltv" } });
const OPTIONS: ConditionOptions = { fields, topics: { layout: "records" }, mongoVersion: "9.0" };
const RICH = {
  $and: [
    { field: "country", operator: "in", value: ["NG", "KE"] },
    { field: "ltv", operator: "gte", value: 300 },
    { subscribedToTopic: ["news"] },
  ],
};
const OTHER = { field: "status", operator: "eq", value: "SUBSCRIBED" };
const CONTACTS = [
  {
    id: "a",
    country: "NG",
    properties: { ltv: 400 },
    topics: [{ topicId: "news", status: "SUBSCRIBED" }],
    status: "SUBSCRIBED",
  },
  { id: "b", country: "KE", properties: { ltv: 100 }, topics: [], status: "SUBSCRIBED" },
  {
    id: "c",
    country: "FR",
    properties: { ltv: 900 },
    topics: [{ topicId: "news", status: "SUBSCRIBED" }],
    status: "BOUNCED",
  },
];
const NOW = new Date("2026-01-01T00:00:00Z");

describe("createSegmatch", () => {
  const engine = createSegmatch(OPTIONS);

  it("answers every method as the free function with the same options does", () => {
    expect(engine.mongoVersion).toBe("9.0");
    expect(engine.parseCondition(RICH)).toEqual(parseCondition(RICH, OPTIONS));
    expect(engine.safeParseCondition({ field: "contry", operator: "eq", value: "x" })).toEqual(
      safeParseCondition({ field: "contry", operator: "eq", value: "x" }, OPTIONS),
    );
    expect(engine.compileCondition(RICH).filter).toEqual(compileCondition(RICH, OPTIONS).filter);
    expect(engine.toMongoFilter(RICH)).toEqual(toMongoFilter(RICH, OPTIONS));
    expect(CONTACTS.map(engine.toPredicate(RICH))).toEqual(CONTACTS.map(toPredicate(RICH, OPTIONS)));
    expect(CONTACTS.map(engine.toPredicate(RICH))).toEqual([true, false, false]);
    expect(engine.countMembers(RICH, CONTACTS)).toBe(countMembers(RICH, CONTACTS, OPTIONS));
    expect(engine.countMembersMany({ rich: RICH, other: OTHER }, CONTACTS)).toEqual(
      countMembersMany({ rich: RICH, other: OTHER }, CONTACTS, OPTIONS),
    );
    expect(engine.diffMembership(RICH, OTHER, CONTACTS)).toEqual(diffMembership(RICH, OTHER, CONTACTS, OPTIONS));
    expect(engine.membershipChangeFilters(RICH, OTHER)).toEqual(membershipChangeFilters(RICH, OTHER, OPTIONS));
    const segment = engine.createSegment(
      { name: "Rich", conditions: RICH },
      { id: "s", now: NOW, contacts: CONTACTS },
    ) as Segment;
    expect(segment).toEqual(
      createSegment({ name: "Rich", conditions: RICH }, { id: "s", now: NOW, contacts: CONTACTS, ...OPTIONS }),
    );
    expect(segment.memberCount).toBe(1);
    expect(engine.updateSegment(segment, { conditions: OTHER }, { now: NOW, contacts: CONTACTS })).toEqual(
      updateSegment(segment, { conditions: OTHER }, { now: NOW, contacts: CONTACTS, ...OPTIONS }),
    );
    expect(engine.previewSegmentUpdate(segment, { conditions: OTHER }, CONTACTS, { now: NOW })).toEqual(
      previewSegmentUpdate(segment, { conditions: OTHER }, CONTACTS, { now: NOW, ...OPTIONS }),
    );
    const index = engine.createSegmentIndex();
    index.set("rich", RICH);
    index.set("other", OTHER);
    expect(CONTACTS.map((c) => index.match(c))).toEqual([["rich", "other"], ["other"], []]);
    expect(
      index.changes(CONTACTS[1], {
        ...CONTACTS[1],
        properties: { ltv: 500 },
        topics: [{ topicId: "news", status: "SUBSCRIBED" }],
      }),
    ).toEqual({ entered: ["rich"], left: [] });
  });

  it("resolves its options once: later edits to the options object change nothing", () => {
    const options: { mongoVersion: "7.0" | "9.0"; topics: { layout: "ids" | "records" } } = {
      mongoVersion: "7.0",
      topics: { layout: "ids" },
    };
    const e = createSegmatch(options);
    options.mongoVersion = "9.0";
    options.topics.layout = "records";
    expect(e.mongoVersion).toBe("7.0");
    expect(e.compileCondition({ subscribedToTopic: ["t"] }).filter).toEqual({ topics: { $in: ["t"] } });
    expect(e.compileCondition({ field: "a", operator: "exists", value: false }).matches({ a: undefined })).toBe(true);
  });

  it("refuses bad options at once, with their paths", () => {
    expect(
      refusal(() => createSegmatch({ mongoVersion: "5.0" as never, topics: { layout: "rows" as never } })),
    ).toEqual([
      ["invalid_options", ["options", "topics", "layout"]],
      ["invalid_options", ["options", "mongoVersion"]],
    ]);
  });

  it("takes only the call's own options in its lifecycle methods: condition options are the engine's", () => {
    expect(refusal(() => engine.createSegment({ name: "x", conditions: RICH }, { id: "s", fields } as never))).toEqual([
      ["invalid_options", ["options", "fields"]],
    ]);
    expect(refusal(() => engine.diffMembership(RICH, OTHER, CONTACTS, { mongoVersion: "8.0" } as never))).toEqual([
      ["invalid_options", ["options", "mongoVersion"]],
    ]);
  });
});

describe("a compiled condition knows the options it was compiled with", () => {
  const nine = createSegmatch({ mongoVersion: "9.0" });
  const compiled = nine.compileCondition({ field: "a.b", operator: "exists", value: false });

  it("is refused by an engine with other settings, wherever it is passed", () => {
    for (const other of [
      createSegmatch(),
      createSegmatch({ mongoVersion: "8.0" }),
      createSegmatch({ mongoVersion: "9.0", topics: { layout: "records" } }),
      createSegmatch({ mongoVersion: "9.0", fields }),
    ]) {
      expect(refusal(() => other.countMembers(compiled, []))).toEqual([["foreign_condition", []]]);
      expect(refusal(() => other.countMembersMany({ s: compiled }, []))).toEqual([
        ["foreign_condition", ["segments", "s"]],
      ]);
      expect(refusal(() => other.diffMembership(OTHER, compiled, []))).toEqual([["foreign_condition", ["after"]]]);
      expect(refusal(() => other.membershipChangeFilters(compiled, OTHER))).toEqual([
        ["foreign_condition", ["before"]],
      ]);
      const index = other.createSegmentIndex();
      expect(refusal(() => index.set("s", compiled))).toEqual([["foreign_condition", []]]);
      expect(index.size).toBe(0);
    }
  });

  it("is taken by an engine with the same settings (limits bound inputs, not meanings)", () => {
    const same = createSegmatch({ mongoVersion: "9.0", limits: { maxDepth: 8 } });
    expect(same.countMembers(compiled, [{ a: [1] }, { a: { b: 1 } }])).toBe(1);
    expect(countMembers(compiled, [{ a: [1] }])).toBe(1); // no options given: taken as it was made
  });

  it("is refused by a free function given other options, instead of being silently used", () => {
    expect(refusal(() => countMembers(compiled, [], { mongoVersion: "8.0" }))).toEqual([["foreign_condition", []]]);
    const catalogued = compileCondition({ field: "ltv", operator: "gt", value: 1 }, { fields });
    expect(refusal(() => countMembers(catalogued, [], { fields: contactFields }))).toEqual([["foreign_condition", []]]);
    expect(countMembers(catalogued, [{ properties: { ltv: 2 } }], { fields })).toBe(1);
    expect(
      refusal(() =>
        createSegmentIndex({ mongoVersion: "8.0" }).set(
          "x",
          compileCondition({ subscribedToTopic: ["t"] }, { topics: { layout: "records" } }),
        ),
      ),
    ).toEqual([["foreign_condition", []]]);
  });

  it("options that are all undefined ({}, { fields: undefined }) are no options, in every function alike", () => {
    const catalogued = compileCondition({ field: "ltv", operator: "gt", value: 1 }, { fields });
    const docs = [{ id: "a", properties: { ltv: 2 } }];
    for (const none of [{}, { fields: undefined }, { fields: undefined, mongoVersion: undefined }]) {
      expect(countMembers(catalogued, docs, none)).toBe(1);
      expect(toMongoFilter(catalogued, none)).toEqual({ "properties.ltv": { $gt: 1 } });
      expect(membershipChangeFilters(catalogued, catalogued, none).entering).toEqual({
        $and: [{ "properties.ltv": { $gt: 1 } }, { $nor: [{ "properties.ltv": { $gt: 1 } }] }],
      });
      expect(diffMembership(catalogued, catalogued, docs, none)).toEqual({ entered: [], left: [], count: 1 });
      expect(
        createSegment({ name: "s", conditions: catalogued }, { id: "s", now: NOW, contacts: docs, ...none })
          .memberCount,
      ).toBe(1);
      const index = createSegmentIndex(none);
      index.set("s", catalogued);
      expect(index.match(docs[0])).toEqual(["s"]);
    }
  });

  it("a stored segment's compiled conditions bring their options to a call without options", () => {
    const plan = defineFields({ plan: { type: "string", path: "billing.plan" } });
    const pro = compileCondition({ field: "plan", operator: "eq", value: "pro" }, { fields: plan });
    const contacts = [{ _id: "a", billing: { plan: "pro" } }];
    const segment = createSegment({ name: "Pro", conditions: pro }, { id: "s", now: NOW, contacts }) as Segment;
    expect(segment.memberCount).toBe(1);
    const preview = previewSegmentUpdate({ ...segment, conditions: pro as never }, { name: "Pro plan" }, contacts, {
      now: NOW,
    });
    expect([preview.before, preview.after, preview.entered, preview.left]).toEqual([1, 1, [], []]);
    expect(
      (
        updateSegment(
          { ...segment, conditions: pro as never },
          { conditions: { field: "plan", operator: "eq", value: "free" } },
          { now: NOW, contacts },
        ) as { segment: Segment }
      ).segment.memberCount,
    ).toBe(0);
  });

  it("two compiled conditions of one call without options must agree, and the refusal says so", () => {
    const other = compileCondition({ field: "a", operator: "eq", value: 1 });
    const error = (() => {
      try {
        diffMembership(compiled, other, []);
      } catch (e) {
        return e as ConditionError;
      }
      return undefined;
    })();
    expect(error?.issues.map((i) => [i.code, i.path])).toEqual([["foreign_condition", ["after"]]]);
    expect(error?.issues[0]?.message).toContain("than another compiled condition of this call");
  });

  it("no message names an internal class: a compiled condition, an engine or an index where raw input belongs", () => {
    for (const [value, words] of [
      [new Proxy(compiled, {}), "a compiled condition"],
      [createSegmatch(), "an engine (createSegmatch's)"],
      [createSegmentIndex(), "a segment index"],
    ] as const) {
      const message = (() => {
        try {
          parseCondition(value as never);
        } catch (e) {
          return (e as Error).message;
        }
        return "";
      })();
      expect(message).toContain(`not ${words}`);
      expect(message).not.toMatch(/Compiled|Engine|Index\b|Context/);
    }
    expect(refusal(() => fromMongoQuery(compiled))).toEqual([["invalid_type", ["filter"]]]);
  });
});

describe("one implementation, two shapes", () => {
  const seed = fc.readConfigureGlobal().seed;
  const numRuns = runs(500);
  const SQL = {
    table: "c",
    id: "id",
    topics: { table: "contact_topics", contactId: "contactId", topicId: "topicId", status: "status" },
  } as const;
  const optionsArb = fc.record({
    typed: fc.boolean(),
    layout: fc.constantFrom("ids" as const, "records" as const),
    mongoVersion: fc.constantFrom(...MONGO_VERSIONS),
    jitless: fc.boolean(),
  });
  /** What each function gives, as data: a value, or the issues of its refusal. */
  const outcome = (run: () => unknown): unknown => {
    try {
      const value = run();
      return typeof value === "function"
        ? "a function"
        : JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v instanceof Date ? `Date ${v.toISOString()}` : v)));
    } catch (error) {
      if (!isConditionError(error)) throw error;
      return error.issues.map((i) => [i.code, i.path, i.message]);
    }
  };

  it(`free functions and engine methods answer alike, with raw and compiled conditions (seed ${seed})`, () => {
    console.log(`two shapes property: seed=${seed} runs=${numRuns}`);
    fc.assert(
      fc.property(
        optionsArb,
        fc.oneof(conditionArb, typedConditionArb),
        fc.oneof(conditionArb, typedConditionArb),
        fc.array(fc.oneof(docArb, recordsDocArb), { maxLength: 6 }),
        (o, a, b, docs) => {
          const options: ConditionOptions = {
            ...(o.typed
              ? { fields: TEST_CATALOG, sql: o.layout === "ids" ? { ...SQL, topics: { column: "topics" } } : SQL }
              : {}),
            topics: { layout: o.layout },
            mongoVersion: o.mongoVersion,
            jitless: o.jitless,
          };
          const engine = createSegmatch(options);
          const compiledA =
            outcome(() => compileCondition(a, options)) instanceof Array ? undefined : compileCondition(a, options);
          const stored =
            outcome(() => createSegment({ name: "b", conditions: b }, { id: "b", now: NOW, ...options })) instanceof
            Array
              ? undefined
              : createSegment({ name: "b", conditions: b }, { id: "b", now: NOW, ...options });
          /** An index holding `x` and `b`: what it matches for each document, and what changes between neighbours. */
          const indexed = (index: SegmentIndex, x: unknown) => {
            index.set("x", x);
            index.set("b", b);
            return {
              match: docs.map((d) => index.match(d)),
              changes: docs.slice(1).map((d, i) => index.changes(docs[i], d)),
            };
          };
          for (const x of compiledA ? [a, compiledA] : [a]) {
            const pairs: [string, () => unknown, () => unknown][] = [
              ["parseCondition", () => parseCondition(x, options), () => engine.parseCondition(x)],
              [
                "safeParseCondition",
                () => safeParseCondition(x, options).success,
                () => engine.safeParseCondition(x).success,
              ],
              ["compileCondition", () => compileCondition(x, options), () => engine.compileCondition(x)],
              ["toMongoFilter", () => toMongoFilter(x, options), () => engine.toMongoFilter(x)],
              ["toPredicate", () => docs.map(toPredicate(x, options)), () => docs.map(engine.toPredicate(x))],
              ["toSql", () => toSql(x, options), () => engine.toSql(x)],
              ["changeStreamMatch", () => changeStreamMatch(x, options), () => engine.changeStreamMatch(x)],
              ["explainCondition", () => explainCondition(x, options), () => engine.explainCondition(x)],
              ["countMembers", () => countMembers(x, docs, options), () => engine.countMembers(x, docs)],
              [
                "countMembersMany",
                () => countMembersMany({ x, b }, docs, options),
                () => engine.countMembersMany({ x, b }, docs),
              ],
              ["diffMembership", () => diffMembership(x, b, docs, options), () => engine.diffMembership(x, b, docs)],
              [
                "membershipChangeFilters",
                () => membershipChangeFilters(x, b, options),
                () => engine.membershipChangeFilters(x, b),
              ],
              ["membershipChangeSql", () => membershipChangeSql(x, b, options), () => engine.membershipChangeSql(x, b)],
              [
                "createSegment",
                () => createSegment({ name: "s", conditions: x }, { id: "s", now: NOW, contacts: docs, ...options }),
                () => engine.createSegment({ name: "s", conditions: x }, { id: "s", now: NOW, contacts: docs }),
              ],
              [
                "createSegmentIndex",
                () => indexed(createSegmentIndex(options), x),
                () => indexed(engine.createSegmentIndex(), x),
              ],
              [
                "fromMongoQuery",
                () => fromMongoQuery(toMongoFilter(x, options), options),
                () => engine.fromMongoQuery(engine.toMongoFilter(x)),
              ],
            ];
            if (stored) {
              pairs.push(
                [
                  "updateSegment",
                  () => updateSegment(stored, { conditions: x }, { now: NOW, contacts: docs, ...options }),
                  () => engine.updateSegment(stored, { conditions: x }, { now: NOW, contacts: docs }),
                ],
                [
                  "previewSegmentUpdate",
                  () => previewSegmentUpdate(stored, { conditions: x }, docs, { now: NOW, ...options }),
                  () => engine.previewSegmentUpdate(stored, { conditions: x }, docs, { now: NOW }),
                ],
              );
            }
            for (const [name, free, method] of pairs) expect(outcome(method), name).toEqual(outcome(free));
          }
          // A compiled condition gives what its raw input gives, wherever a condition is taken.
          if (compiledA) {
            expect(toMongoFilter(compiledA)).toEqual(toMongoFilter(a, options));
            expect(docs.map(toPredicate(compiledA))).toEqual(docs.map(toPredicate(a, options)));
            expect(outcome(() => toSql(compiledA))).toEqual(outcome(() => toSql(a, options)));
            expect(outcome(() => membershipChangeSql(compiledA, b))).toEqual(
              outcome(() => membershipChangeSql(a, b, options)),
            );
            expect(explainCondition(compiledA)).toBe(explainCondition(a, options));
            expect(parseCondition(compiledA)).toEqual(parseCondition(a, options));
          }
          expect(outcome(() => conditionJsonSchema(options))).toEqual(outcome(() => engine.conditionJsonSchema()));
          expect(outcome(() => describeFields(options))).toEqual(outcome(() => engine.describeFields()));
        },
      ),
      { numRuns },
    );
  });
});
