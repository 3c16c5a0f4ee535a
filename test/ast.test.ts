/**
 * The AST carries what targets need: a leaf's field reference (name as written, document
 * path, type, storage), topic tests as target-neutral nodes, and origins that only speak
 * the user's words. The property shows the last: with every origin replaced by a
 * meaningless one, SQL is the same text and the predicate gives the same answers.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fold, node, type Node, type Origin } from "../src/language/ast.js";
import { resolveOptions } from "../src/options.js";
import { parseOrThrow } from "../src/parse/parse.js";
import { interpretMatcher } from "../src/targets/predicate/closures.js";
import { generateMatcher } from "../src/targets/predicate/codegen.js";
import { toMatcher } from "../src/targets/predicate/matcher.js";
import { optimize } from "../src/targets/predicate/optimize.js";
import { toSqlExpression } from "../src/targets/sql/sql.js";
import { lowerTopics } from "../src/targets/topics.js";
import { conditionArb, docArb, recordsDocArb, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { runs } from "./fc-setup.js";

describe("what a leaf refers to", () => {
  it("a catalog field: its name as written, its path, type and storage, one frozen reference for every leaf on it", () => {
    const { ast } = parseOrThrow(
      {
        $or: [
          { field: "Join Date", operator: "gte", value: "2024-01-01" },
          { field: "Join Date", operator: "lt", value: 0 },
        ],
      },
      resolveOptions({ fields: TEST_CATALOG }),
    );
    if (ast.kind !== "or") throw new Error(`expected an or, got ${ast.kind}`);
    const [a, b] = ast.children;
    if (a?.kind !== "leaf" || b?.kind !== "leaf") throw new Error("expected two leaves");
    expect(a.field).toEqual({ name: "Join Date", path: ["b"], dotted: "b", type: "date", storage: "epochMillis" });
    expect(b.field).toBe(a.field);
    expect(Object.isFrozen(a.field) && Object.isFrozen(a.field.path)).toBe(true);
  });

  it("without a catalog: the name is the path, nothing is typed", () => {
    const { ast } = parseOrThrow({ field: "address.city", operator: "eq", value: "Lagos" });
    expect(ast.kind === "leaf" && ast.field).toEqual({
      name: "address.city",
      path: ["address", "city"],
      dotted: "address.city",
      type: undefined,
      storage: undefined,
    });
  });

  it("storage is said only for dates", () => {
    const { ast } = parseOrThrow(
      { field: "score", operator: "gt", value: 1 },
      resolveOptions({ fields: TEST_CATALOG }),
    );
    expect(ast.kind === "leaf" && ast.field).toEqual({
      name: "score",
      path: ["a"],
      dotted: "a",
      type: "number",
      storage: undefined,
    });
  });
});

describe("topic tests", () => {
  it("are one neutral node whatever the layout; notSubscribedToTopic is its negation", () => {
    const condition = { subscribedToTopic: ["t1", "t2"], notSubscribedToTopic: ["t3"] };
    const ids = parseOrThrow(condition, resolveOptions({ topics: { layout: "ids" } })).ast;
    const records = parseOrThrow(condition, resolveOptions({ topics: { layout: "records", path: "subs" } })).ast;
    expect(records).toEqual(ids);
    if (ids.kind !== "and") throw new Error(`expected an and, got ${ids.kind}`);
    expect(ids.children.map((c) => c.kind)).toEqual(["topic", "not"]);
    expect(ids.children[0]).toMatchObject({ kind: "topic", ids: ["t1", "t2"] });
    expect(ids.children[1]).toMatchObject({ kind: "not", child: { kind: "topic", ids: ["t3"] } });
  });

  it("are lowered by the document targets for their layout, and a tree without one comes back as it is", () => {
    const topic = parseOrThrow({ subscribedToTopic: ["t1"] }).ast;
    expect(lowerTopics(topic, resolveOptions({ topics: { path: "a.b" } }))).toMatchObject({
      kind: "leaf",
      field: { path: ["a", "b"] },
      test: "in",
      value: ["t1"],
    });
    expect(lowerTopics(topic, resolveOptions({ topics: { layout: "records" } }))).toMatchObject({
      kind: "elemMatch",
      path: ["topics"],
      where: {
        kind: "and",
        children: [
          { kind: "leaf", field: { path: ["topicId"] }, test: "in", value: ["t1"] },
          { kind: "leaf", field: { path: ["status"] }, test: "eq", value: "SUBSCRIBED" },
        ],
      },
    });
    const plain = parseOrThrow({
      $and: [{ field: "a", operator: "eq", value: 1 }, { $not: { field: "b", operator: "exists", value: true } }],
    }).ast;
    expect(lowerTopics(plain, resolveOptions(undefined))).toBe(plain);
  });
});

/** The same tree with every origin replaced by one that says nothing of what the node means. */
function withoutOrigins(root: Node): Node {
  const none: Origin = Object.freeze({ from: "$and" });
  return fold<Node>(root, {
    leaf: (n) => node.leaf(n.field, n.test, n.value, none),
    topic: (n) => node.topic(n.ids, none),
    elemMatch: (n, where) => node.elemMatch(n.path, where(), none),
    and: (_n, children) => node.and(children, none),
    or: (_n, children) => node.or(children, none),
    not: (_n, child) => node.not(child, none),
  });
}

describe("origins speak, they do not decide", () => {
  const SQL = {
    table: "c",
    id: "id",
    topics: { table: "contact_topics", contactId: "contactId", topicId: "topicId", status: "status" },
  };

  it("without its origins, a tree gives the same SQL and the same predicate answers, on closures and generated code", () => {
    let generatedRuns = 0;
    fc.assert(
      fc.property(
        fc.constantFrom("ids" as const, "records" as const),
        fc.oneof(conditionArb, typedConditionArb),
        fc.array(fc.oneof(docArb, recordsDocArb), { maxLength: 8 }),
        (layout, condition, docs) => {
          const resolved = resolveOptions({
            fields: TEST_CATALOG,
            topics: { layout },
            sql: layout === "ids" ? { ...SQL, topics: { column: "topics" } } : SQL,
          });
          let ast: Node;
          try {
            ast = parseOrThrow(condition, resolved).ast;
          } catch {
            return; // untyped conditions on fields the catalog does not know
          }
          const bare = withoutOrigins(ast);
          expect(toSqlExpression(bare, resolved)).toEqual(toSqlExpression(ast, resolved));
          // Every predicate tier: closures, and generated code (which must not fall back to them).
          const expected = docs.map(toMatcher(ast, resolved, false).matches);
          const tree = optimize(lowerTopics(bare, resolved));
          const closures = interpretMatcher(tree, resolved.semantics);
          expect(docs.map(closures), "closures").toEqual(expected);
          const generated = generateMatcher(tree, resolved.semantics, () => {
            throw new Error("the generated predicate fell back to the closures");
          });
          if (generated !== undefined) {
            expect(docs.map(generated), "generated").toEqual(expected);
            generatedRuns++;
          }
        },
      ),
      { numRuns: runs(300) },
    );
    expect(generatedRuns).toBeGreaterThan(0);
  });
});
