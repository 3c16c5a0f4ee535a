/**
 * The generated predicate and the closure-compiled one (the fallback where `new Function`
 * is forbidden) answer alike on every generated condition and document (the two named
 * directly); on long paths, shared path reads and the records layout every evaluator tier
 * (tiers.ts: the index, countMembersMany's shared leaves and counter too) answers alike;
 * and no user string ever reaches the generated source.
 */
import { BSONSymbol } from "bson";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { resolveOptions } from "../src/options.js";
import { generateMatcher } from "../src/targets/predicate/codegen.js";
import { optimize } from "../src/targets/predicate/optimize.js";
import { interpretMatcher } from "../src/targets/predicate/closures.js";
import { MONGO_VERSIONS, SEMANTICS, type MongoVersion } from "../src/language/versions.js";
import type { Node } from "../src/language/ast.js";
import { conditionArb, docArb, recordsDocArb } from "./arbitraries.js";
import { mongoLeafMatches } from "./reference/mongo-rule.js";
import { runs } from "./fc-setup.js";
import { agreedAnswers, expectTiers, itRanEveryTier, parsedAst } from "./tiers.js";

const sem = SEMANTICS["8.0"];

describe("generated and interpreted predicates", () => {
  it("agree on generated conditions and documents, under every server version", () => {
    fc.assert(
      fc.property(
        conditionArb,
        fc.array(docArb, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (condition, docs, version) => {
          const ast = parsedAst(condition);
          const generated = generateMatcher(ast, SEMANTICS[version], () => {
            throw new Error("plain documents never fall back");
          });
          expect(generated).toBeTypeOf("function");
          const interpreted = interpretMatcher(ast, SEMANTICS[version]);
          for (const doc of docs) expect(generated!(doc)).toBe(interpreted(doc));
        },
      ),
      { numRuns: runs(5_000) },
    );
  });

  it("agree on documents that are class instances (which go to the closures)", () => {
    class Contact {
      constructor(readonly country: string) {}
    }
    const ast = parsedAst({ field: "country", operator: "eq", value: "US" });
    const generated = generateMatcher(ast, sem, interpretMatcher(ast, sem))!;
    expect(generated(new Contact("US"))).toBe(true);
    expect(generated(Object.create({ country: "US" }))).toBe(false);
    expect(generated({ toString: "x" })).toBe(false);
  });

  it("keep user strings out of the generated source", () => {
    const spy = vi.spyOn(globalThis, "Function");
    try {
      const hostile = '"); process.exit(1); ("';
      const ast = parsedAst({
        $or: [
          { field: `x${hostile}.y`, operator: "eq", value: hostile },
          { field: "a", operator: "contains", value: "`${process.exit(1)}`" },
          { subscribedToTopic: [hostile] },
        ],
      });
      const matches = generateMatcher(ast, sem, interpretMatcher(ast, sem))!;
      const source = spy.mock.calls.map((call) => call.join("\n")).join("\n");
      expect(source).toContain("function run(doc)");
      expect(source).not.toContain("process");
      expect(source).not.toContain("exit");
      expect(matches({ a: "`${process.exit(1)}`" })).toBe(true);
      expect(matches({ topics: [hostile] })).toBe(true);
      expect(matches({})).toBe(false);
    } finally {
      spy.mockRestore();
    }
  });

  it("fall back to closures where new Function is forbidden (CSP)", () => {
    const original = globalThis.Function;
    const blocked = function () {
      throw new EvalError("Code generation from strings disallowed for this context");
    } as unknown as FunctionConstructor;
    globalThis.Function = blocked;
    try {
      // `new Function` is resolved at call time through the global, as a CSP would block it.
      const ast = parsedAst({ field: "a", operator: "eq", value: 1 });
      expect(generateMatcher(ast, sem, interpretMatcher(ast, sem))).toBeUndefined();
    } finally {
      globalThis.Function = original;
    }
  });
});

describe("generated source grows linearly with the input", () => {
  it("long paths (walked by the runtime) answer as the closures do", () => {
    const segment = fc.constantFrom("a", "b", "0", "1");
    const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[] }>((tie) => ({
      value: fc.oneof(
        { depthSize: "medium", withCrossShrink: true },
        fc.constantFrom(1, "x", null),
        tie("object"),
        tie("array"),
      ),
      object: fc.dictionary(segment, tie("value"), { maxKeys: 2, noNullPrototype: true }),
      array: fc.array(tie("value"), { maxLength: 2 }),
    }));
    fc.assert(
      fc.property(
        fc.array(segment, { minLength: 5, maxLength: 10 }),
        fc.dictionary(segment, value, { noNullPrototype: true }),
        fc.constantFrom(...MONGO_VERSIONS),
        (path, doc, version) => {
          for (const condition of [
            { field: path.join("."), operator: "exists", value: false },
            { field: path.join("."), operator: "eq", value: 1 },
          ]) {
            const ast = parsedAst(condition);
            const closures = interpretMatcher(ast, SEMANTICS[version]);
            expect(generateMatcher(ast, SEMANTICS[version], closures)!(doc)).toBe(closures(doc));
            expect(agreedAnswers(condition, [doc], { mongoVersion: version })).toEqual([closures(doc)]);
          }
        },
      ),
      { numRuns: runs(3_000) },
    );
  });

  it("leaves sharing a long path (read once per call) answer as MongoDB's rule does, leaf by leaf", () => {
    const segment = fc.constantFrom("a", "b", "0", "1");
    const { value } = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[] }>((tie) => ({
      value: fc.oneof(
        { depthSize: "medium", withCrossShrink: true },
        fc.constantFrom(1, 2, "x", null, undefined),
        tie("object"),
        tie("array"),
      ),
      object: fc.dictionary(segment, tie("value"), { maxKeys: 2, noNullPrototype: true }),
      array: fc.array(tie("value"), { maxLength: 2 }),
    }));
    const LEAVES = [
      ["eq", 1, "$eq"],
      ["ne", 1, "$ne"],
      ["gt", 1, "$gt"],
      ["lte", 1, "$lte"],
      ["in", [2, "x"], "$in"],
      ["nin", [1], "$nin"],
      ["exists", false, "$eq"],
      ["exists", true, "$ne"],
    ] as const;
    const leafArb = fc.record({
      path: fc.integer({ min: 0, max: 1 }),
      leaf: fc.integer({ min: 0, max: LEAVES.length - 1 }),
    });
    fc.assert(
      fc.property(
        fc.tuple(fc.array(segment, { minLength: 7, maxLength: 9 }), fc.array(segment, { minLength: 7, maxLength: 8 })),
        fc.array(leafArb, { minLength: 2, maxLength: 6 }),
        fc.boolean(),
        fc.array(fc.dictionary(segment, value, { noNullPrototype: true }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (paths, picks, or, docs, version) => {
          const fields = paths.map((p) => p.join("."));
          const leaves = picks.map(({ path, leaf }) => {
            const [operator, operand] = LEAVES[leaf]!;
            return { field: fields[path]!, operator, value: operand };
          });
          // Every other leaf under a $not, so that shared reads serve negations too.
          const parts = leaves.map((l, i) => (i % 2 === 1 ? { $not: l } : l));
          const condition = or ? { $or: parts } : { $and: parts };
          const expected = (doc: unknown) => {
            const each = picks.map(({ path, leaf }, i) => {
              const [operator, operand, op] = LEAVES[leaf]!;
              const answer = mongoLeafMatches(doc, fields[path]!, op, operator === "exists" ? null : operand, version);
              return i % 2 === 1 ? !answer : answer;
            });
            return or ? each.some(Boolean) : each.every(Boolean);
          };
          const ast = parsedAst(condition);
          const closures = interpretMatcher(ast, SEMANTICS[version]);
          const generated = generateMatcher(ast, SEMANTICS[version], closures)!;
          for (const doc of docs) {
            expect(closures(doc)).toBe(expected(doc));
            expect(generated(doc)).toBe(expected(doc));
          }
          expectTiers(condition, docs, expected, { mongoVersion: version });
          // The same document object, changed between calls, is read again.
          const doc = docs[0]!;
          for (const key of Object.keys(doc)) delete doc[key];
          expect(closures(doc)).toBe(expected(doc));
          expect(generated(doc)).toBe(expected(doc));
        },
      ),
      { numRuns: runs(3_000) },
    );
  });

  it("an in list of at most 4 strings compares them one by one; a longer one, or one with a number, asks its Set", () => {
    const sourceOf = (value: unknown[]) => {
      const spy = vi.spyOn(globalThis, "Function");
      try {
        const ast = parsedAst({ field: "a", operator: "in", value }, resolveOptions({}));
        generateMatcher(ast, sem, interpretMatcher(ast, sem));
        return String(spy.mock.calls.at(-1)!.at(-1));
      } finally {
        spy.mockRestore();
      }
    };
    const few = sourceOf(["x", "y", "z", "w"]);
    expect(few).toMatch(/x === c\d+_2 \|\| x === c\d+_3 \|\| x === c\d+_4 \|\| x === c\d+_5/);
    expect(few).not.toMatch(/\.has\(/);
    expect(sourceOf(["x", "y", "z", "w", "v"])).toMatch(/typeof x === "string" && c\d+_0\.has\(x\)\)/);
    expect(sourceOf(["x", 1])).toMatch(/otherNumeric\(x\) && numIn\(x, c\d+_1\)/);
    // The answers are the rule's: a BSONSymbol is its text, a Long is no string.
    const doc = { a: [new BSONSymbol("y")] };
    expect(agreedAnswers({ field: "a", operator: "in", value: ["x", "y"] }, [doc, { a: 1n }, { a: "w" }])).toEqual([
      true,
      false,
      false,
    ]);
  });

  it("250 leaves on a 2,048-segment path: the source holds the path once", () => {
    const spy = vi.spyOn(globalThis, "Function");
    try {
      const path = Array.from({ length: 2_048 }, (_, i) => `s${i % 10}`).join(".");
      const condition = { $or: Array.from({ length: 250 }, (_, i) => ({ field: path, operator: "eq", value: i })) };
      const ast = parsedAst(
        condition,
        resolveOptions({ limits: { maxStringLength: 20_000, maxTotalLength: 2_000_000 } }),
      );
      generateMatcher(ast, sem, interpretMatcher(ast, sem));
      const source = String(spy.mock.calls.at(-1)!.at(-1));
      // Per leaf a few lines, and the path's constants once: far below leaves × segments (512,000 lines).
      expect(source.length).toBeLessThan(250 * 600 + 2_048 * 60);
      expect(source.split("\n").length).toBeLessThan(250 * 8 + 100);
    } finally {
      spy.mockRestore();
    }
  });
});

describe("the predicate's rewrites keep the meaning", () => {
  it("an $or of eq tests on one path, as one in test, answers as the tests one by one", () => {
    const eqArb = fc.record({
      field: fc.constantFrom("a", "b", "a.b", "a.0"),
      operator: fc.constantFrom("eq", "ne"),
      value: fc.oneof(fc.constantFrom("x", "", "18", "a\n"), fc.constantFrom(0, -0, 1, 18, 1.5), fc.boolean()),
    });
    fc.assert(
      fc.property(
        fc.array(eqArb, { minLength: 2, maxLength: 8 }),
        fc.array(docArb, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (clauses, docs, version) => {
          expectOptimizedAgrees(parsedAst({ $or: [...clauses, { $and: clauses.slice(0, 2) }] }), docs, version);
        },
      ),
      { numRuns: runs(3_000) },
    );
    // The rewrite happens: two eq on `a` become one in.
    const merged = optimize(
      parsedAst({
        $or: [
          { field: "a", operator: "eq", value: "x" },
          { field: "a", operator: "eq", value: 1 },
          { field: "b", operator: "eq", value: "x" },
        ],
      }),
    );
    expect(
      merged.kind === "or" && merged.children.map((c) => (c.kind === "leaf" ? [c.test, c.value] : c.kind)),
    ).toEqual([
      ["in", ["x", 1]],
      ["eq", "x"],
    ]);
  });
});

/** The optimized tree answers as the tree it came from, in closures and in generated code. */
function expectOptimizedAgrees(ast: Node, docs: readonly unknown[], version: MongoVersion): void {
  const rewritten = optimize(ast);
  const plain = interpretMatcher(ast, SEMANTICS[version]);
  const fast = interpretMatcher(rewritten, SEMANTICS[version]);
  const generated = generateMatcher(rewritten, SEMANTICS[version], fast)!;
  for (const doc of docs) {
    expect(fast(doc)).toBe(plain(doc));
    expect(generated(doc)).toBe(plain(doc));
  }
}

describe("cheapest first: the children of $and reordered by cost", () => {
  it("answers as the tree in the user's order, in closures and in generated code, in both topic layouts", () => {
    const layouts = { ids: resolveOptions(undefined), records: resolveOptions({ topics: { layout: "records" } }) };
    fc.assert(
      fc.property(
        conditionArb,
        fc.constantFrom("ids", "records" as const),
        fc.array(fc.oneof(docArb, recordsDocArb), { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...MONGO_VERSIONS),
        (condition, layout, docs, version) => {
          expectOptimizedAgrees(parsedAst(condition, layouts[layout as "ids" | "records"]), docs, version);
        },
      ),
      { numRuns: runs(2_000) },
    );
  });

  it("tests a root field before a dotted path, and both before a walk over topic records; equal costs and $or keep their order", () => {
    const shape = (n: ReturnType<typeof optimize>): unknown =>
      n.kind === "leaf"
        ? n.field.dotted
        : n.kind === "elemMatch"
          ? "elemMatch"
          : n.kind === "not"
            ? ["not", shape(n.child)]
            : n.kind === "and" || n.kind === "or"
              ? [n.kind, ...n.children.map(shape)]
              : n.kind;
    const records = resolveOptions({ topics: { layout: "records" } });
    expect(
      shape(
        optimize(
          parsedAst(
            {
              $and: [
                { subscribedToTopic: ["news"] },
                { field: "properties.plan", operator: "eq", value: "pro" },
                { field: "status", operator: "eq", value: "SUBSCRIBED" },
                { field: "country", operator: "eq", value: "NG" },
              ],
            },
            records,
          ),
        ),
      ),
    ).toEqual(["and", "status", "country", "properties.plan", "elemMatch"]);
    expect(
      shape(
        optimize(
          parsedAst({
            $or: [
              { field: "a.b.c", operator: "eq", value: 1 },
              { $not: { field: "x", operator: "eq", value: 1 } },
              { field: "y", operator: "gt", value: 1 },
            ],
          }),
        ),
      ),
    ).toEqual(["or", "a.b.c", ["not", "x"], "y"]);
    expect(
      shape(
        optimize(
          parsedAst({
            $and: [
              { field: "a.b.c", operator: "eq", value: 1 },
              {
                $or: [
                  { field: "p.q", operator: "eq", value: 1 },
                  { field: "r.s", operator: "eq", value: 1 },
                ],
              },
              { $not: { field: "x", operator: "eq", value: 1 } },
              { field: "y", operator: "gt", value: 1 },
            ],
          }),
        ),
      ),
    ).toEqual(["and", ["not", "x"], "y", "a.b.c", ["or", "p.q", "r.s"]]);
  });
});

describe("the records layout's element match, generated inline", () => {
  it("answers as the closures, with plain, null-prototype and class-instance records", () => {
    class Rec {
      constructor(
        readonly topicId: unknown,
        readonly status: unknown,
      ) {}
    }
    const recordArb = fc.oneof(
      fc.record(
        { topicId: fc.constantFrom("t1", "t2", ["t1"], null), status: fc.constantFrom("SUBSCRIBED", "x") },
        { requiredKeys: [], noNullPrototype: true },
      ),
      fc
        .tuple(fc.constantFrom("t1", "t2"), fc.constantFrom("SUBSCRIBED", "x"))
        .map(([t, st]) => Object.assign(Object.create(null) as object, { topicId: t, status: st })),
      fc.tuple(fc.constantFrom("t1", "t2"), fc.constantFrom("SUBSCRIBED", "x")).map(([t, st]) => new Rec(t, st)),
      fc.constantFrom(null, "t1", 5, [{ topicId: "t1", status: "SUBSCRIBED" }]),
    );
    fc.assert(
      fc.property(
        fc.oneof(fc.array(recordArb, { maxLength: 4 }), fc.constantFrom(undefined, null, "t1")),
        fc.constantFrom(...MONGO_VERSIONS),
        fc.boolean(),
        (topics, version, negate) => {
          const condition = negate ? { notSubscribedToTopic: ["t1", "t9"] } : { subscribedToTopic: ["t1", "t9"] };
          const ast = parsedAst(condition, resolveOptions({ topics: { layout: "records" } }));
          const closures = interpretMatcher(ast, SEMANTICS[version]);
          const generated = generateMatcher(ast, SEMANTICS[version], closures)!;
          const doc = topics === undefined ? {} : { topics };
          expect(generated(doc)).toBe(closures(doc));
          expectTiers(condition, [doc], [closures(doc)], { topics: { layout: "records" }, mongoVersion: version });
        },
      ),
      { numRuns: runs(3_000) },
    );
  });
});

itRanEveryTier();
