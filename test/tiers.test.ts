/**
 * The tier helper (tiers.ts) itself: it runs every tier, names each in a failure, reaches
 * generated code where it should and only there, and the global fast-check configuration
 * (fc-setup.ts) is in force.
 */
import { DBRef, ObjectId } from "bson";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { runs } from "./fc-setup.js";
import { agreedAnswers, evaluators, expectAllTiers, tierAnswers, tierTally, TIERS } from "./tiers.js";

const eq = { field: "a.b", operator: "eq", value: 1 } as const;

describe("the tier helper", () => {
  it("answers on every tier and names each one in a failure", () => {
    expect([...tierAnswers(eq, [{ a: { b: 1 } }, { a: [{ b: 2 }] }], {}, { full: true }).keys()].sort()).toEqual(
      [...TIERS].sort(),
    );
    let message = "";
    try {
      expectAllTiers(eq, { a: { b: 1 } }, false);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(
      "expected false: matches=true hot=true closures=true generated=true index=true count=true counter=true",
    );
    expect(message).toContain(`condition: ${JSON.stringify(eq)}`);
    expect(message).toContain("doc: { a: { b: 1 } }");
  });

  it("tells each of up to eight documents apart in one count (weights 1, 2, 4 …)", () => {
    const docs = Array.from({ length: 11 }, (_, i) => ({ a: { b: i % 3 === 0 ? 1 : 2 } }));
    const answers = tierAnswers(eq, docs, {}, { full: true });
    for (const tier of ["count", "counter"] as const)
      expect(answers.get(tier)).toEqual(docs.map((_, i) => i % 3 === 0));
  });

  it("runs generated code on plain documents and on non-documents, and tallies a class instance or a DBRef as a fallback", () => {
    const ran = tierTally.ran.generated;
    const fell = tierTally.fallbacks.generated;
    expect(
      agreedAnswers(eq, [{ a: { b: 1 } }, Object.assign(Object.create(null) as object, { a: { b: 1 } }), null, [1]]),
    ).toEqual([true, true, false, false]);
    expect(tierTally.ran.generated - ran).toBe(4);
    expect(tierTally.fallbacks.generated).toBe(fell);
    class Contact {
      constructor(readonly a: unknown) {}
    }
    const dbref = new DBRef("contacts", new ObjectId("64b000000000000000000001"), undefined, { a: { b: 1 } });
    expect(agreedAnswers(eq, [new Contact({ b: 1 }), dbref])).toEqual([true, true]);
    expect(tierTally.ran.generated - ran).toBe(4);
    expect(tierTally.fallbacks.generated - fell).toBe(2);
  });

  it("reaches toMatcher's own switch to generated code in the hot tier", () => {
    const spy = vi.spyOn(globalThis, "Function");
    try {
      expectAllTiers({ field: "zz", operator: "eq", value: "hot" }, { zz: "hot" }, true);
      // generateMatcher and the hot compiled condition's own switch; countMembersMany's counter after 256 contacts.
      const sources = spy.mock.calls.map((call) => String(call.at(-1)));
      expect(sources.filter((source) => source.includes("function run(doc)"))).toHaveLength(2);
      expect(sources.filter((source) => source.includes("function run(d, c)"))).toHaveLength(1);
    } finally {
      spy.mockRestore();
    }
  });

  it("builds evaluators over several conditions, the index and the counter holding them all", () => {
    const conditions = [
      eq,
      { field: "a.b", operator: "gt", value: 1 },
      { field: "a", operator: "exists", value: false },
    ];
    const list = evaluators(conditions);
    expect(list.map((e) => e.tier)).toEqual(TIERS.filter((t) => t !== "hot"));
    for (const e of list) expect([e.tier, e.run({ a: [{ b: 1 }, { b: 3 }] })]).toEqual([e.tier, [true, true, false]]);
  });
});

describe("the global fast-check configuration", () => {
  it("sets a seed for every property of the file, and scales runs by FC_RUNS", () => {
    const { seed, numRuns } = fc.readConfigureGlobal();
    expect(Number.isInteger(seed)).toBe(true);
    if (process.env.FC_SEED) expect(seed).toBe(Number(process.env.FC_SEED) | 0);
    expect(numRuns).toBe(runs(100));
    expect(runs(10_000)).toBe(Math.max(1, Math.round(10_000 * Number(process.env.FC_RUNS || 1))));
  });
});
