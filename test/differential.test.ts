/**
 * The centre of the suite: for generated conditions and documents, the in-memory predicate
 * answers exactly what MongoDB answers for the compiled filter, on the evaluator tiers
 * (tiers.ts): the compiled `matches`, closures, generated code, the segment index and
 * countMembersMany's shared leaves (not its counter: see MANY_RUN_TIERS). The reference is
 * mingo, except for the inputs listed in reference/deviations.ts, where MongoDB's rule is
 * applied directly. Runs: 10,000 × FC_RUNS; replay a failure with FC_SEED (and FC_PATH with
 * `-t`), see fc-setup.ts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  compileCondition,
  createSegmatch,
  MONGO_VERSIONS,
  toMongoFilter,
  toPredicate,
  type CompiledCondition,
  type ConditionOptions,
  type MongoVersion,
} from "../src/index.js";
import { conditionArb, docArb, recordsDocArb, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { reference, type ReferenceAnswer } from "./reference/deviations.js";
import { runs as scaled } from "./fc-setup.js";
import { expectTiers, itRanEveryTier, MANY_RUN_TIERS } from "./tiers.js";

const runs = scaled(10_000);
const seed = fc.readConfigureGlobal().seed;

/** Asserts that the evaluator tiers answer what MongoDB answers for the compiled filter; returns MongoDB's answers. */
function agreeWithMongo(
  compiled: CompiledCondition,
  docs: readonly Record<string, unknown>[],
  version: MongoVersion,
  options: ConditionOptions,
): ReferenceAnswer[] {
  const expected = docs.map((doc) => reference(compiled.filter as Record<string, unknown>, doc, version));
  expectTiers(
    compiled,
    docs,
    expected.map((e) => e.matches),
    options,
    {
      tiers: MANY_RUN_TIERS,
      note: (i) =>
        `MongoDB ${version} says ${expected[i]!.matches} for the filter ${JSON.stringify(compiled.filter)}; deviations applied: ${expected[i]!.deviations.join(", ") || "none"}`,
    },
  );
  return expected;
}

describe.each(MONGO_VERSIONS)("predicate agrees with the MongoDB %s server on the filter", (version) => {
  // The same properties through an engine (options resolved once) and through the free functions.
  const engines = {
    plain: createSegmatch({ mongoVersion: version }),
    ids: createSegmatch({ fields: TEST_CATALOG, topics: { layout: "ids" }, mongoVersion: version }),
    records: createSegmatch({ fields: TEST_CATALOG, topics: { layout: "records" }, mongoVersion: version }),
  };
  it(`with a typed field catalog and both topic layouts, on ${runs} generated conditions (seed ${seed})`, () => {
    console.log(`differential property (catalog, ${version}): seed=${seed} runs=${runs}`);
    const tally = { docs: 0, matched: 0, records: 0, dates: 0 };
    fc.assert(
      fc.property(
        typedConditionArb,
        fc.constantFrom("ids" as const, "records" as const),
        fc.array(docArb, { minLength: 1, maxLength: 6 }),
        fc.array(recordsDocArb, { minLength: 1, maxLength: 3 }),
        (condition, layout, plainDocs, recordDocs) => {
          const options = { fields: TEST_CATALOG, topics: { layout }, mongoVersion: version };
          const compiled = compileCondition(condition, options);
          const viaEngine = engines[layout].compileCondition(condition);
          expect(toMongoFilter(condition, options)).toEqual(compiled.filter);
          expect(viaEngine.filter).toEqual(compiled.filter);
          const docs = layout === "records" ? [...plainDocs.slice(0, 2), ...recordDocs] : plainDocs;
          if (layout === "records") tally.records++;
          if (JSON.stringify(compiled.filter).includes("T00:00")) tally.dates++;
          const expected = agreeWithMongo(compiled, docs, version, options);
          docs.forEach((doc, i) => {
            tally.docs++;
            if (expected[i]!.matches) tally.matched++;
            expect(viaEngine.matches(doc)).toBe(expected[i]!.matches);
          });
        },
      ),
      { numRuns: runs, endOnFailure: false },
    );
    console.log(
      `differential property (catalog): ${tally.docs} documents, ${tally.matched} matched, ${tally.records} runs in the records layout, ${tally.dates} with Date operands`,
    );
    expect(tally.matched).toBeGreaterThan(tally.docs * 0.1);
    expect(tally.records).toBeGreaterThan(runs / 4);
    expect(tally.dates).toBeGreaterThan(0);
  });

  it(`on ${runs} generated conditions (seed ${seed})`, () => {
    console.log(
      `differential property (${version}): seed=${seed} runs=${runs} (replay: FC_SEED=${seed} npx vitest run test/differential.test.ts)`,
    );
    const tally = { docs: 0, matched: 0, viaDeviation: 0 };
    const byDeviation: Record<string, number> = {};
    fc.assert(
      fc.property(conditionArb, fc.array(docArb, { minLength: 1, maxLength: 6 }), (condition, docs) => {
        const options = { mongoVersion: version };
        const compiled = compileCondition(condition, options);
        // The separate entry points compile the same thing.
        expect(toMongoFilter(condition, options)).toEqual(compiled.filter);
        const alone = toPredicate(condition, options);
        const viaEngine = engines.plain.compileCondition(condition);
        expect(viaEngine.filter).toEqual(compiled.filter);
        agreeWithMongo(compiled, docs, version, options).forEach((expected, i) => {
          const got = expected.matches;
          expect(alone(docs[i])).toBe(got);
          expect(viaEngine.matches(docs[i])).toBe(got);
          tally.docs++;
          if (got) tally.matched++;
          if (expected.deviations.length > 0) tally.viaDeviation++;
          for (const id of expected.deviations) byDeviation[id] = (byDeviation[id] ?? 0) + 1;
        });
      }),
      { numRuns: runs, endOnFailure: false },
    );
    console.log(
      `differential property (${version}): ${tally.docs} documents, ${tally.matched} matched; ${tally.viaDeviation} had a leaf decided by MongoDB's rule ` +
        `instead of mingo (${JSON.stringify(byDeviation)}); all other leaves and documents were judged by mingo`,
    );
    // The generators must exercise both answers and the deviation paths, or the property proves little.
    expect(tally.matched).toBeGreaterThan(tally.docs * 0.1);
    expect(tally.docs - tally.matched).toBeGreaterThan(tally.docs * 0.1);
    expect(tally.viaDeviation).toBeGreaterThan(0);
  });
});

itRanEveryTier(MANY_RUN_TIERS);
