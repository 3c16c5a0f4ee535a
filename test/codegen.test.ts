/**
 * The generated predicate and the closure-compiled one (the fallback where `new Function`
 * is forbidden) answer alike on every generated condition and document; and no user
 * string ever reaches the generated source.
 */
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { parseOrThrow } from "../src/parse/parse.js";
import { generateMatcher } from "../src/targets/predicate/codegen.js";
import { interpretMatcher } from "../src/targets/predicate/closures.js";
import { MONGO_VERSIONS, SEMANTICS } from "../src/language/versions.js";
import { conditionArb, docArb } from "./arbitraries.js";

const sem = SEMANTICS["8.0"];

describe("generated and interpreted predicates", () => {
  it("agree on generated conditions and documents, under every server version", () => {
    fc.assert(
      fc.property(conditionArb, fc.array(docArb, { minLength: 1, maxLength: 6 }), fc.constantFrom(...MONGO_VERSIONS), (condition, docs, version) => {
        const { ast } = parseOrThrow(condition);
        const generated = generateMatcher(ast, SEMANTICS[version], () => {
          throw new Error("plain documents never fall back");
        });
        expect(generated).toBeTypeOf("function");
        const interpreted = interpretMatcher(ast, SEMANTICS[version]);
        for (const doc of docs) expect(generated!(doc)).toBe(interpreted(doc));
      }),
      { numRuns: 5_000 },
    );
  });

  it("agree on documents that are class instances (which go to the closures)", () => {
    class Contact {
      constructor(readonly country: string) {}
    }
    const { ast } = parseOrThrow({ field: "country", operator: "eq", value: "US" });
    const generated = generateMatcher(ast, sem, interpretMatcher(ast, sem))!;
    expect(generated(new Contact("US"))).toBe(true);
    expect(generated(Object.create({ country: "US" }))).toBe(false);
    expect(generated({ toString: "x" })).toBe(false);
  });

  it("keep user strings out of the generated source", () => {
    const spy = vi.spyOn(globalThis, "Function");
    try {
      const hostile = '"); process.exit(1); ("';
      const { ast } = parseOrThrow({
        $or: [
          { field: `x${hostile}.y`, operator: "eq", value: hostile },
          { field: "a", operator: "contains", value: "`${process.exit(1)}`" },
          { subscribedToTopic: [hostile] },
        ],
      });
      const matches = generateMatcher(ast, sem, interpretMatcher(ast, sem))!;
      const source = spy.mock.calls.map((call) => call.join("\n")).join("\n");
      expect(source).toContain("function matches(doc)");
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
      const { ast } = parseOrThrow({ field: "a", operator: "eq", value: 1 });
      expect(generateMatcher(ast, sem, interpretMatcher(ast, sem))).toBeUndefined();
    } finally {
      globalThis.Function = original;
    }
  });
});
