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
import { Query } from "mingo";
import { describe, expect, it } from "vitest";
import {
  compileCondition,
  countMembersMany,
  countMembersManyPipeline,
  createSegmatch,
  MONGO_VERSIONS,
  toMongoFilter,
  toPredicate,
  type CompiledCondition,
  type ConditionOptions,
  type MongoVersion,
} from "../src/index.js";
import { conditionArb, docArb, recordsDocArb, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { reference, referenceAggregate, type ReferenceAnswer } from "./reference/deviations.js";
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

describe.each(MONGO_VERSIONS)(
  "countMembersManyPipeline counts what the MongoDB %s server counts for each filter",
  (version) => {
    const pipelineRuns = scaled(1_000);
    it(`on ${pipelineRuns} generated sets of segments and documents (seed ${seed})`, () => {
      const tally = { segments: 0, byMingo: 0, nonZero: 0, zero: 0 };
      fc.assert(
        fc.property(
          fc.oneof(
            fc.record({
              typed: fc.constant(false),
              conditions: fc.array(conditionArb, { minLength: 1, maxLength: 5 }),
            }),
            fc.record({
              typed: fc.constant(true),
              conditions: fc.array(typedConditionArb, { minLength: 1, maxLength: 5 }),
            }),
          ),
          fc.array(docArb, { minLength: 0, maxLength: 8 }),
          ({ typed, conditions }, docs) => {
            const options: ConditionOptions = typed
              ? { fields: TEST_CATALOG, topics: { layout: "ids" }, mongoVersion: version }
              : { mongoVersion: version };
            // Ids a field name could not be: the pipeline names its facets itself.
            const ids = conditions.map((_, i) => ["$x", "a.b", "__proto__", "", "s0"][i % 5]! + String(i));
            const segments = new Map(ids.map((id, i) => [id, conditions[i]]));
            const many = countMembersManyPipeline(segments, options);
            expect(many.ids).toEqual(ids);
            const counted = many.read(referenceAggregate(many.pipeline, docs));
            const inMemory = countMembersMany(segments, docs, options);
            ids.forEach((id, i) => {
              const filter = compileCondition(conditions[i]!, options).filter as Record<string, unknown>;
              // Each facet's $match is the filter countDocuments would run.
              expect((many.pipeline[0]!.$facet as Record<string, unknown[]>)[`s${i}`]![0]).toEqual({ $match: filter });
              const answers = docs.map((doc) => reference(filter, doc, version));
              const mongo = answers.filter((a) => a.matches).length;
              expect(inMemory[id], `segment ${id}: ${JSON.stringify(filter)}`).toBe(mongo);
              tally.segments++;
              if (mongo > 0) tally.nonZero++;
              else tally.zero++;
              if (answers.every((a) => a.deviations.length === 0)) {
                // mingo ran the whole aggregation; where it departs from MongoDB (deviations.ts), the plumbing is checked against its own $match.
                tally.byMingo++;
                expect(counted[id], `segment ${id}: ${JSON.stringify(filter)}`).toBe(mongo);
              } else {
                const query = new Query(filter);
                expect(counted[id]).toBe(docs.filter((doc) => query.test(doc)).length);
              }
            });
            expect(Object.keys(counted).sort()).toEqual([...ids].sort());
          },
        ),
        { numRuns: pipelineRuns, endOnFailure: false },
      );
      console.log(`countMembersManyPipeline (${version}): ${JSON.stringify(tally)}`);
      expect(tally.byMingo).toBeGreaterThan(tally.segments * 0.5);
      expect(tally.nonZero).toBeGreaterThan(tally.segments * 0.15);
      expect(tally.zero).toBeGreaterThan(0);
    });
  },
);

itRanEveryTier(MANY_RUN_TIERS);
