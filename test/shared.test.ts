/**
 * Shared-leaf evaluation (targets/predicate/shared.ts), as the segment index and
 * countMembersMany use it, answers exactly what each condition's own predicate answers:
 * closures ≡ generated code ≡ shared leaves, on generated conditions and documents,
 * including non-plain documents and keys named like Object.prototype's built-ins.
 */
import fc from "fast-check";
import { parsedAst } from "./tiers.js";
import { describe, expect, it, vi } from "vitest";
import {
  compileCondition,
  contactFields,
  countMembers,
  countMembersMany,
  createSegmatch,
  defineFields,
  diffMembership,
  MONGO_VERSIONS,
  OPERATORS,
  type Condition,
} from "../src/index.js";
import { SEMANTICS } from "../src/language/versions.js";
import { resolveOptions } from "../src/options.js";
import { interpretMatcher } from "../src/targets/predicate/closures.js";
import { generateCounter, generateMatcher } from "../src/targets/predicate/codegen.js";
import { SharedLeaves } from "../src/targets/predicate/shared.js";
import { asDocument } from "../src/runtime/path.js";
import {
  conditionArb,
  conditionTreeArb,
  docArb,
  recordsDocArb,
  scalarArb,
  TEST_CATALOG,
  typedConditionArb,
} from "./arbitraries.js";
import { runs } from "./fc-setup.js";

const BUILTIN_PATHS = ["toString", "valueOf", "hasOwnProperty", "a.toString", "isPrototypeOf.x", "a"] as const;

/** Conditions over keys named like Object.prototype's members. */
const builtinConditionArb = conditionTreeArb(
  fc
    .tuple(
      fc.constantFrom(...BUILTIN_PATHS),
      fc.constantFrom(...OPERATORS),
      scalarArb,
      fc.array(fc.oneof(fc.constantFrom("x", 1, "y")), { minLength: 1, maxLength: 2 }),
    )
    .map(
      ([field, operator, scalar, list]) =>
        ({
          field,
          operator,
          value:
            operator === "in" || operator === "nin"
              ? list
              : operator === "exists"
                ? typeof scalar === "boolean"
                  ? scalar
                  : true
                : ["contains", "startsWith", "endsWith"].includes(operator)
                  ? String(scalar)
                  : scalar,
        }) as Condition,
    ),
);

/** Documents with those keys as own properties, plain, null-prototype, or class instances. */
const builtinDocArb = fc
  .tuple(
    fc.dictionary(
      fc.constantFrom("toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "a"),
      fc.oneof(scalarArb, fc.constant({ toString: "x", x: 1 }), fc.constant([1, "x"])),
      { maxKeys: 3 },
    ),
    fc.constantFrom("plain", "null", "class"),
  )
  .map(([fields, kind]) => {
    const target: Record<string, unknown> =
      kind === "null" ? Object.create(null) : kind === "class" ? new (class Contact {})() : {};
    for (const [k, v] of Object.entries(fields))
      Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
    return target;
  });

describe("shared leaves answer as each condition's own predicate", () => {
  it.each([
    ["generated conditions and documents", conditionArb, docArb],
    ["keys named like Object.prototype's members, in non-plain documents", builtinConditionArb, builtinDocArb],
  ] as const)("%s: closures ≡ generated ≡ shared leaves, every version", (_name, condArb, dArb) => {
    fc.assert(
      fc.property(
        fc.array(condArb, { minLength: 1, maxLength: 8 }),
        fc.array(dArb as fc.Arbitrary<unknown>, { minLength: 1, maxLength: 5 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (conditions, docs, version) => {
          const sem = SEMANTICS[version];
          const pool = new SharedLeaves(sem);
          const asts = conditions.map((c) => parsedAst(c));
          const shared = asts.map((ast) => pool.add(ast).predicate);
          // Each predicate built once and run on every document (as in production, where they are long-lived).
          const closures = asts.map((ast) => interpretMatcher(ast, sem));
          const generated = asts.map((ast, i) => generateMatcher(ast, sem, closures[i]!)!);
          let counter: ReturnType<typeof generateCounter>;
          for (const doc of docs) {
            pool.begin();
            const d = asDocument(doc) ?? {};
            const answers = closures.map((closure) => closure(doc));
            asts.forEach((_ast, i) => {
              expect(generated[i]!(doc)).toBe(answers[i]);
              expect(shared[i]!(d)).toBe(answers[i]);
            });
            // The bulk counter (one generated function for all conditions, plain documents only).
            const plain =
              Object.getPrototypeOf(doc) === Object.prototype ||
              (typeof doc === "object" && doc !== null && Object.getPrototypeOf(doc) === null);
            if (plain) {
              const counts = asts.map(() => 0);
              (counter ??= generateCounter(asts, sem))!(doc as Record<string, unknown>, counts);
              expect(counts).toEqual(answers.map((answer) => (answer ? 1 : 0)));
            }
          }
        },
      ),
      { numRuns: runs(2_000) },
    );
  });

  it("shares: identical leaves across conditions are one slot, and released slots are reused", () => {
    const pool = new SharedLeaves(SEMANTICS["8.0"]);
    const status = { field: "status", operator: "eq", value: "SUBSCRIBED" };
    const a = pool.add(parsedAst({ $and: [status, { field: "country", operator: "eq", value: "NG" }] }));
    const b = pool.add(parsedAst({ $or: [status, { field: "country", operator: "ne", value: "NG" }] }));
    expect(pool.size).toBe(2); // status, country eq NG (ne is the negation of the same leaf)
    pool.release(a.slots);
    expect(pool.size).toBe(2);
    pool.release(b.slots);
    expect(pool.size).toBe(0);
  });

  it("operands of different types are different slots, whatever their JSON (a string never stands for a number, a boolean or a Date)", () => {
    const pool = new SharedLeaves(SEMANTICS["8.0"]);
    const eq = (value: unknown) => parsedAst({ field: "d", operator: "eq", value } as Condition);
    const onDate = parsedAst(
      { field: "d", operator: "eq", value: "1970-01-01" },
      resolveOptions({ fields: defineFields({ d: { type: "date" } }) }),
    );
    const held = [eq("1"), eq(1), eq("true"), eq(true), eq('{"$date":0}'), onDate, eq(1), eq("1")].map((n) =>
      pool.add(n),
    );
    expect(pool.size).toBe(6);
    const doc = { d: 1 } as Record<string, unknown>;
    pool.begin();
    expect(held.map((h) => h.predicate(doc))).toEqual([false, true, false, false, false, false, true, false]);
    const date = { d: new Date(0) } as Record<string, unknown>;
    pool.begin();
    expect(held.map((h) => h.predicate(date))).toEqual([false, false, false, false, false, true, false, false]);
    for (const h of held) pool.release(h.slots);
    expect(pool.size).toBe(0);
  });

  it("an index that deleted most of the segments reading a path still lists the rest, in the order they were set", () => {
    const index = createSegmatch().createSegmentIndex();
    for (let i = 0; i < 100; i++)
      index.set(`s${i}`, { field: "plan", operator: "eq", value: i % 2 === 0 ? "pro" : "free" });
    for (let i = 0; i < 90; i++) if (i % 10 !== 3) index.delete(`s${i}`);
    index.set("s3", { field: "plan", operator: "eq", value: "pro" }); // replaced: now last in order
    expect(index.changes({ plan: "free" }, { plan: "pro" })).toEqual({
      entered: ["s90", "s92", "s94", "s96", "s98", "s3"],
      left: ["s13", "s23", "s33", "s43", "s53", "s63", "s73", "s83", "s91", "s93", "s95", "s97", "s99"],
    });
    expect(index.size).toBe(19);
  });

  it("a segment that a document's getter deletes during changes() is not reported", () => {
    const index = createSegmatch().createSegmentIndex();
    index.set("s1", { field: "x", operator: "eq", value: 1 });
    index.set("s2", { field: "y", operator: "eq", value: 1 });
    let armed = true;
    const after = {
      x: 1,
      get y() {
        if (armed) {
          armed = false;
          index.delete("s1");
          index.set("s3", { field: "x", operator: "eq", value: 1 }); // takes the slot s1 gave back
        }
        return 1;
      },
    };
    // s3, set before the evaluation, enters; s1, deleted after it was collected, is not reported.
    expect(index.changes({ x: 0, y: 0 }, after)).toEqual({ entered: ["s2", "s3"], left: [] });
    expect(index.changes({ x: 0, y: 0 }, { x: 1, y: 1 })).toEqual({ entered: ["s2", "s3"], left: [] });
  });

  it("an engine's cache of field names starting over during a parse counts each field's segments once", () => {
    const engine = createSegmatch({ limits: { maxPathSegments: 10 } });
    const condition = {
      $and: [
        { field: "a.b.c.d.e", operator: "eq", value: 1 },
        { field: "zz", operator: "eq", value: 1 },
        { field: "a.b.c.d.e", operator: "eq", value: 2 },
      ],
    };
    expect(engine.safeParseCondition(condition).success).toBe(true);
    // 4,094 more names fill the cache to 4,095 with the three above: it starts over between the two reads of a.b.c.d.e.
    const fresh = createSegmatch({ limits: { maxPathSegments: 10 } });
    for (let i = 0; i < 4_095; i++) fresh.parseCondition({ field: `f${i}`, operator: "eq", value: 1 });
    expect(fresh.safeParseCondition(condition).success).toBe(true);
    expect(
      fresh.safeParseCondition({
        ...condition,
        $and: [...condition.$and, { field: "q.r.s.t.u", operator: "eq", value: 1 }],
      }).error?.issues,
    ).toMatchObject([{ code: "too_many_items", reason: "path_segments", path: ["$and", 3, "field"] }]);
    const long = `${"k".repeat(300)}.x`;
    expect(
      fresh.compileCondition({ field: long, operator: "eq", value: 1 }).matches({ ["k".repeat(300)]: { x: 1 } }),
    ).toBe(true);
  });

  it("evaluates each distinct leaf at most once per document", () => {
    let reads = 0;
    const doc = Object.defineProperty({}, "status", { enumerable: true, get: () => (reads++, "SUBSCRIBED") });
    const engine = createSegmatch();
    const index = engine.createSegmentIndex();
    for (let i = 0; i < 50; i++)
      index.set(`s${i}`, {
        $and: [
          { field: "status", operator: "eq", value: "SUBSCRIBED" },
          { field: "n", operator: "ne", value: i },
        ],
      });
    // The getter counts the reads of `status`: one per pass, whatever the number of segments reading it.
    expect(index.match(doc)).toHaveLength(50);
    expect(reads).toBe(1);
  });
});

describe("many segments at once equal each alone", () => {
  it("countMembersMany ≡ separate countMembers, every version", () => {
    fc.assert(
      fc.property(
        fc.array(conditionArb, { minLength: 1, maxLength: 12 }),
        fc.array(docArb, { maxLength: 12 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (conditions, docs, version) => {
          const options = { mongoVersion: version };
          const segments = Object.fromEntries(
            conditions.map((c, i) => [`s${i}`, i % 3 === 0 ? compileCondition(c, options) : c]),
          );
          const many = countMembersMany(segments, docs, options);
          for (const [id, c] of Object.entries(segments)) expect(many[id]).toBe(countMembers(c, docs, options));
        },
      ),
      { numRuns: runs(1_000) },
    );
  });

  it("countMembersMany over a long source (which switches to one generated function) ≡ separate countMembers", () => {
    fc.assert(
      fc.property(
        fc.array(conditionArb, { minLength: 1, maxLength: 20 }),
        fc.array(docArb, { minLength: 1, maxLength: 40 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (conditions, docs, version) => {
          const options = { mongoVersion: version };
          const long = Array.from({ length: 700 }, (_, i) => docs[i % docs.length]);
          const many = countMembersMany(Object.fromEntries(conditions.map((c, i) => [`s${i}`, c])), long, options);
          conditions.forEach((c, i) => expect(many[`s${i}`]).toBe(countMembers(c, long, options)));
          const jitless = countMembersMany(Object.fromEntries(conditions.map((c, i) => [`s${i}`, c])), long, {
            ...options,
            jitless: true,
          });
          expect(jitless).toEqual(many);
        },
      ),
      { numRuns: runs(100) },
    );
  });

  it("an index of thousands of generated segments ≡ evaluating each alone, through set, replace and delete", () => {
    fc.assert(
      fc.property(
        fc.array(conditionArb, { minLength: 1_000, maxLength: 1_500 }),
        fc.array(docArb, { minLength: 5, maxLength: 10 }),
        (conditions, docs) => {
          const engine = createSegmatch();
          const index = engine.createSegmentIndex();
          const alone = new Map<string, (doc: unknown) => boolean>();
          conditions.forEach((c, i) => {
            const id = `s${i % 900}`; // some ids are set twice: the second replaces the first
            index.set(id, c);
            alone.set(id, compileCondition(c).matches);
          });
          for (let i = 0; i < 100; i += 7) {
            index.delete(`s${i}`);
            alone.delete(`s${i}`);
          }
          for (const doc of docs)
            expect(index.match(doc)).toEqual([...alone].filter(([, m]) => m(doc)).map(([id]) => id));
        },
      ),
      { numRuns: runs(15) },
    );
  });
});

describe("index.changes on documents with builtin-named keys, undefined and function values", () => {
  it("equals re-evaluating every segment, every version", () => {
    const valueArb = fc.oneof(
      scalarArb,
      fc.constant(undefined),
      fc.constant(Object.prototype.toString),
      fc.constant({ toString: "x", x: 1 }),
      fc.constant([1, "x"]),
    );
    const keysArb = fc.dictionary(
      fc.constantFrom("toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "a"),
      valueArb,
      { maxKeys: 3 },
    );
    const docOf = (fields: Record<string, unknown>, kind: string) => {
      const target: Record<string, unknown> =
        kind === "null" ? Object.create(null) : kind === "class" ? new (class Contact {})() : {};
      for (const [k, v] of Object.entries(fields))
        Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
      return target;
    };
    fc.assert(
      fc.property(
        fc.array(builtinConditionArb, { minLength: 1, maxLength: 6 }),
        keysArb,
        keysArb,
        fc.constantFrom("plain", "null", "class"),
        fc.constantFrom("plain", "null", "class"),
        fc.constantFrom(...MONGO_VERSIONS),
        (conditions, fieldsBefore, changes, kindBefore, kindAfter, version) => {
          const before = docOf(fieldsBefore, kindBefore);
          // The after side keeps the before side's values (the same references) except where changed.
          const after = docOf({ ...fieldsBefore, ...changes }, kindAfter);
          const engine = createSegmatch({ mongoVersion: version });
          const index = engine.createSegmentIndex();
          conditions.forEach((c, i) => index.set(String(i), c));
          const entered: string[] = [];
          const left: string[] = [];
          conditions.forEach((c, i) => {
            const m = engine.compileCondition(c).matches;
            if (m(after) && !m(before)) entered.push(String(i));
            if (m(before) && !m(after)) left.push(String(i));
          });
          const got = index.changes(before, after);
          expect({ entered: [...got.entered].sort(), left: [...got.left].sort() }).toEqual({ entered, left });
        },
      ),
      { numRuns: runs(3_000) },
    );
  });
});

describe("a document that calls back into the index while it is evaluated", () => {
  it("gets correct answers, and so does the evaluation it interrupted", () => {
    const index = createSegmatch().createSegmentIndex();
    index.set("A", {
      $and: [
        { field: "x", operator: "eq", value: 1 },
        { field: "status", operator: "eq", value: "active" },
      ],
    });
    index.set("B", { field: "status", operator: "eq", value: "active" });
    let inner: string[] = [];
    const doc = {
      get x() {
        inner = index.match({ x: 2, status: "active" });
        return 1;
      },
      status: "inactive",
    };
    expect(index.match(doc)).toEqual([]);
    expect(inner).toEqual(["B"]);
    const changed = {
      ...{ status: "active" },
      get x() {
        index.changes({ status: "x" }, { status: "active" });
        return 1;
      },
    };
    expect(index.changes({ status: "inactive", x: 1 }, changed)).toEqual({ entered: ["A", "B"], left: [] });
  });
});

describe("review cases", () => {
  it("a field name with \\u0001 is not the dotted path it resembles (keys are JSON)", () => {
    const doc = { "a\u0001b": 1 };
    const A = { field: "a.b", operator: "eq", value: 1 };
    const B = { field: "a\u0001b", operator: "eq", value: 1 };
    for (const order of [
      [
        ["dotted", A],
        ["weird", B],
      ],
      [
        ["weird", B],
        ["dotted", A],
      ],
    ] as const) {
      const index = createSegmatch().createSegmentIndex();
      for (const [id, c] of order) index.set(id, c);
      expect(index.match(doc)).toEqual(["weird"]);
    }
    expect(
      countMembersMany(
        { dotted: A, weird: B },
        Array.from({ length: 300 }, () => doc),
      ),
    ).toEqual({ dotted: 0, weird: 300 });
    expect(compileCondition({ $or: [{ field: "a.b", operator: "eq", value: 2 }, B] }).matches(doc)).toBe(true);
  });

  it("records-layout topics and long paths through the shared leaves and the bulk counter", () => {
    fc.assert(
      fc.property(
        fc.array(typedConditionArb, { minLength: 1, maxLength: 8 }),
        fc.array(recordsDocArb, { minLength: 1, maxLength: 20 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (conditions, docs, version) => {
          const options = { fields: TEST_CATALOG, topics: { layout: "records" as const }, mongoVersion: version };
          const long = Array.from({ length: 400 }, (_, i) => docs[i % docs.length]);
          const many = countMembersMany(Object.fromEntries(conditions.map((c, i) => [`s${i}`, c])), long, options);
          conditions.forEach((c, i) => expect(many[`s${i}`]).toBe(countMembers(c, long, options)));
          const index = createSegmatch(options).createSegmentIndex();
          conditions.forEach((c, i) => index.set(`s${i}`, c));
          for (const doc of docs)
            expect(index.match(doc)).toEqual(
              conditions.flatMap((c, i) => (compileCondition(c, options).matches(doc) ? [`s${i}`] : [])),
            );
        },
      ),
      { numRuns: runs(150) },
    );
    const path = "a.b.c.d.e.f.g.h";
    const deep = { a: { b: [{ c: { d: { e: [{ f: { g: { h: 1 } } }] } } }] } };
    expect(
      countMembersMany(
        { one: { field: path, operator: "eq", value: 1 }, none: { field: path, operator: "exists", value: false } },
        Array.from({ length: 300 }, () => deep),
      ),
    ).toEqual({ one: 300, none: 0 });
  });

  it("diffMembership with only an id option takes compiled conditions as they were made", () => {
    const catalog = defineFields(contactFields, { ltv: { type: "number", path: "properties.ltv" } });
    const a = compileCondition({ field: "ltv", operator: "gt", value: 1 }, { fields: catalog });
    const b = compileCondition({ field: "ltv", operator: "gt", value: 5 }, { fields: catalog });
    expect(
      diffMembership(a, b, [{ _id: "x", properties: { ltv: 3 } }], { id: (c) => String((c as { _id: string })._id) }),
    ).toEqual({ entered: [], left: ["x"], count: 0 });
  });

  it("jitless is kept: no new Function for conditions compiled jitless, and a jitless engine refuses others", () => {
    const spy = vi.spyOn(globalThis, "Function");
    try {
      const jit = createSegmatch({ jitless: true });
      const c1 = jit.compileCondition({ field: "a", operator: "eq", value: 1 });
      const c2 = jit.compileCondition({ field: "b", operator: "eq", value: 1 });
      const docs = Array.from({ length: 2_000 }, (_, i) => ({ a: i % 2, b: 1 }));
      expect(countMembersMany({ c1, c2 }, docs)).toEqual({ c1: 1_000, c2: 2_000 });
      expect(jit.countMembersMany({ c1, c2 }, docs)).toEqual({ c1: 1_000, c2: 2_000 });
      for (const d of docs) c1.matches(d);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
    expect(() =>
      createSegmatch({ jitless: true }).countMembers(compileCondition({ field: "a", operator: "eq", value: 1 }), []),
    ).toThrow(/compiled with other options/);
  });

  it("the order of a catalog's entries or of an enum's values is not a difference in settings", () => {
    const one = createSegmatch({ fields: { a: { type: "string" }, s: { type: "enum", values: ["x", "y"] } } });
    const two = createSegmatch({ fields: { s: { type: "enum", values: ["y", "x"] }, a: { type: "string" } } });
    expect(two.countMembers(one.compileCondition({ field: "s", operator: "eq", value: "x" }), [{ s: "x" }])).toBe(1);
  });

  it("engine methods work when taken off the engine", () => {
    const { compileCondition: compile, countMembers: count, createSegmentIndex: createIndex } = createSegmatch();
    expect(count(compile({ field: "a", operator: "eq", value: 1 }), [{ a: 1 }, { a: 2 }])).toBe(1);
    expect(createIndex().size).toBe(0);
  });
});
