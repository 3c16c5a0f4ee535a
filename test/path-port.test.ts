/**
 * segmatch's path walk (runtime/path.ts, in the generated and the closure-compiled
 * predicate) against the port of the server's own path iterator (reference/mongo-path.ts),
 * on generated (path, document) pairs, for every leaf test and every server version, on
 * every evaluator tier (tiers.ts): the dotted-path walk that code generation inlines, the
 * closures', the shared leaves' and the generated counter's. The documents stress what the
 * iterator distinguishes: arrays nested in arrays, empty arrays, scalars where the path goes
 * on, numeric keys in objects, null, BSON undefined, and the driver's BSONSymbol, DBRef and
 * invalid Date. Runs: 100,000 pairs × FC_RUNS (fc-setup.ts).
 */
import { BSONSymbol, DBRef, ObjectId } from "bson";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCondition, MONGO_VERSIONS, type Condition, type MongoVersion } from "../src/index.js";
import { mongoLeafMatches } from "./reference/mongo-rule.js";
import { runs as scaled } from "./fc-setup.js";
import { evaluators, expectEvaluators, itRanEveryTier, type Evaluator } from "./tiers.js";

const runs = scaled(100_000);
const seed = fc.readConfigureGlobal().seed;

/**
 * The tiers checked per pair: all but countMembersMany's shared leaves (one call per pair
 * would add half the property's time; the index runs the same SharedLeaves) and `hot`.
 */
const TIERS_HERE = ["matches", "closures", "generated", "index", "counter"] as const;

const SEGMENTS = ["a", "b", "0", "1"] as const;
const pathArb = fc.array(fc.constantFrom(...SEGMENTS), { minLength: 1, maxLength: 4 }).map((s) => s.join("."));

const scalarArb = fc.constantFrom<unknown>(
  1,
  5,
  0,
  "x",
  "xa",
  "y",
  "",
  null,
  undefined,
  true,
  Number.NaN,
  new Date(0),
  new Date(Number.NaN),
  new BSONSymbol("x"),
  new BSONSymbol("ya"),
);
const { value: valueArb } = fc.letrec<{
  value: unknown;
  object: Record<string, unknown>;
  array: unknown[];
  dbref: unknown;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 3, arbitrary: scalarArb },
    { weight: 2, arbitrary: tie("object") },
    { weight: 3, arbitrary: tie("array") },
    { weight: 1, arbitrary: tie("dbref") },
  ),
  object: fc.dictionary(fc.constantFrom(...SEGMENTS), tie("value"), { maxKeys: 3, noNullPrototype: true }),
  array: fc.array(tie("value"), { maxLength: 3 }),
  dbref: fc
    .dictionary(fc.constantFrom(...SEGMENTS), tie("value"), { maxKeys: 2, noNullPrototype: true })
    .map((fields) => new DBRef("contacts", new ObjectId("64b000000000000000000001"), undefined, fields)),
}));
const docArb = fc.dictionary(fc.constantFrom(...SEGMENTS), valueArb, { maxKeys: 3, noNullPrototype: true });

/** One positive condition per leaf test (the negations are `!` of these in both predicates). */
const LEAVES: readonly {
  readonly operator: Condition extends infer C ? (C extends { operator: infer O } ? O : never) : never;
  readonly value: unknown;
}[] = [
  { operator: "exists", value: false }, // null
  { operator: "eq", value: 1 },
  { operator: "eq", value: "x" },
  { operator: "gt", value: 0 },
  { operator: "gte", value: "x" },
  { operator: "lt", value: "y" },
  { operator: "lte", value: 5 },
  { operator: "in", value: [1, "x"] },
  { operator: "contains", value: "x" },
  { operator: "startsWith", value: "x" },
  { operator: "endsWith", value: "a" },
];

describe("segmatch's path walk agrees with the port of the server's path iterator", () => {
  it(`on ${runs} generated (path, document) pairs, every leaf test, every version (seed ${seed})`, () => {
    console.log(`path port property: seed=${seed} runs=${runs}`);
    // Per (version, path): the operand of each leaf as the filter states it, and one evaluator per tier for all the leaves, built once.
    const compiled = new Map<
      string,
      { tiers: Evaluator[]; conditions: Condition[]; leaves: [string, string, unknown][] }
    >();
    const compile = (path: string, version: MongoVersion) => {
      const key = `${version}|${path}`;
      let entry = compiled.get(key);
      if (!entry) {
        const conditions = LEAVES.map((leaf) => ({ field: path, ...leaf }) as Condition);
        const leaves = conditions.map((condition): [string, string, unknown] => {
          const { filter } = compileCondition(condition, { mongoVersion: version });
          const [op, operand] = Object.entries(filter[path] as Record<string, unknown>)[0]!;
          return [path, op, operand];
        });
        entry = { tiers: evaluators(conditions, { mongoVersion: version }, TIERS_HERE), conditions, leaves };
        compiled.set(key, entry);
      }
      return entry;
    };
    const tally = { pairs: 0, matched: 0, missingMatched: 0, byVersion: {} as Record<string, number> };
    fc.assert(
      fc.property(pathArb, docArb, fc.constantFrom(...MONGO_VERSIONS), (path, doc, version) => {
        tally.pairs++;
        tally.byVersion[version] = (tally.byVersion[version] ?? 0) + 1;
        const { tiers, conditions, leaves } = compile(path, version);
        const expected = leaves.map(([p, op, operand]) => mongoLeafMatches(doc, p, op, operand, version));
        expectEvaluators(tiers, conditions, doc, expected, { mongoVersion: version }, (i) => {
          const [p, op, operand] = leaves[i]!;
          return `the server's rule (port): {${p}: {${op}: ${JSON.stringify(operand)}}} → ${expected[i]}`;
        });
        LEAVES.forEach((leaf, i) => {
          if (expected[i]) {
            tally.matched++;
            if (leaf.operator === "exists") tally.missingMatched++;
          }
        });
      }),
      { numRuns: runs, endOnFailure: false },
    );
    console.log(
      `path port property: ${tally.pairs} pairs × ${LEAVES.length} leaf tests, ${tally.matched} matched (${tally.missingMatched} null), versions ${JSON.stringify(tally.byVersion)}`,
    );
    expect(tally.pairs).toBe(runs);
    expect(tally.missingMatched).toBeGreaterThan(runs / 10);
    expect(tally.matched - tally.missingMatched).toBeGreaterThan(runs / 10);
  });
});

itRanEveryTier(TIERS_HERE);
