/**
 * Shared-leaf evaluation (targets/predicate/shared.ts), as the segment index and
 * countMembersMany use it, answers exactly what each condition's own predicate answers:
 * closures ≡ generated code ≡ shared leaves, on generated conditions and documents,
 * including non-plain documents and keys named like Object.prototype's built-ins.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCondition, countMembers, countMembersMany, createSegmatch, MONGO_VERSIONS, OPERATORS, type Condition } from "../src/index.js";
import { SEMANTICS } from "../src/language/versions.js";
import { parseOrThrow } from "../src/parse/parse.js";
import { interpretMatcher } from "../src/targets/predicate/closures.js";
import { generateCounter, generateMatcher } from "../src/targets/predicate/codegen.js";
import { SharedLeaves } from "../src/targets/predicate/shared.js";
import { asDocument } from "../src/runtime/path.js";
import { conditionArb, conditionTreeArb, docArb, scalarArb } from "./arbitraries.js";

const BUILTIN_PATHS = ["toString", "valueOf", "hasOwnProperty", "a.toString", "isPrototypeOf.x", "a"] as const;

/** Conditions over keys named like Object.prototype's members. */
const builtinConditionArb = conditionTreeArb(
  fc.tuple(fc.constantFrom(...BUILTIN_PATHS), fc.constantFrom(...OPERATORS), scalarArb, fc.array(fc.oneof(fc.constantFrom("x", 1, "y")), { minLength: 1, maxLength: 2 })).map(
    ([field, operator, scalar, list]) =>
      ({
        field,
        operator,
        value: operator === "in" || operator === "nin" ? list : operator === "exists" ? typeof scalar === "boolean" ? scalar : true : ["contains", "startsWith", "endsWith"].includes(operator) ? String(scalar) : scalar,
      }) as Condition,
  ),
);

/** Documents with those keys as own properties, plain, null-prototype, or class instances. */
const builtinDocArb = fc
  .tuple(
    fc.dictionary(fc.constantFrom("toString", "valueOf", "hasOwnProperty", "isPrototypeOf", "a"), fc.oneof(scalarArb, fc.constant({ toString: "x", x: 1 }), fc.constant([1, "x"])), { maxKeys: 3 }),
    fc.constantFrom("plain", "null", "class"),
  )
  .map(([fields, kind]) => {
    const target: Record<string, unknown> = kind === "null" ? Object.create(null) : kind === "class" ? new (class Contact {})() : {};
    for (const [k, v] of Object.entries(fields)) Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
    return target;
  });

describe("shared leaves answer as each condition's own predicate", () => {
  it.each([
    ["generated conditions and documents", conditionArb, docArb],
    ["keys named like Object.prototype's members, in non-plain documents", builtinConditionArb, builtinDocArb],
  ] as const)("%s: closures ≡ generated ≡ shared leaves, every version", (_name, condArb, dArb) => {
    fc.assert(
      fc.property(fc.array(condArb, { minLength: 1, maxLength: 8 }), fc.array(dArb as fc.Arbitrary<unknown>, { minLength: 1, maxLength: 5 }), fc.constantFrom(...MONGO_VERSIONS), (conditions, docs, version) => {
        const sem = SEMANTICS[version];
        const pool = new SharedLeaves(sem);
        const asts = conditions.map((c) => parseOrThrow(c).ast);
        const shared = asts.map((ast) => pool.add(ast).predicate);
        for (const doc of docs) {
          pool.begin();
          const d = asDocument(doc) ?? {};
          asts.forEach((ast, i) => {
            const closures = interpretMatcher(ast, sem)(doc);
            const generated = generateMatcher(ast, sem, interpretMatcher(ast, sem))!(doc);
            expect(generated).toBe(closures);
            expect(shared[i]!(d)).toBe(closures);
          });
          // The bulk counter (one generated function for all conditions, plain documents only).
          const plain = Object.getPrototypeOf(doc) === Object.prototype || (typeof doc === "object" && doc !== null && Object.getPrototypeOf(doc) === null);
          if (plain) {
            const counts = asts.map(() => 0);
            generateCounter(asts, sem)!(doc as Record<string, unknown>, counts);
            expect(counts).toEqual(asts.map((ast) => (interpretMatcher(ast, sem)(doc) ? 1 : 0)));
          }
        }
      }),
      { numRuns: 2_000 },
    );
  });

  it("shares: identical leaves across conditions are one slot, and released slots are reused", () => {
    const pool = new SharedLeaves(SEMANTICS["8.0"]);
    const status = { field: "status", operator: "eq", value: "SUBSCRIBED" };
    const a = pool.add(parseOrThrow({ $and: [status, { field: "country", operator: "eq", value: "NG" }] }).ast);
    const b = pool.add(parseOrThrow({ $or: [status, { field: "country", operator: "ne", value: "NG" }] }).ast);
    expect(pool.size).toBe(2); // status, country eq NG (ne is the negation of the same leaf)
    pool.release(a.slots);
    expect(pool.size).toBe(2);
    pool.release(b.slots);
    expect(pool.size).toBe(0);
  });

  it("evaluates each distinct leaf at most once per document", () => {
    let reads = 0;
    const doc = Object.defineProperty({}, "status", { enumerable: true, get: () => (reads++, "SUBSCRIBED") });
    const engine = createSegmatch();
    const index = engine.createIndex();
    for (let i = 0; i < 50; i++) index.set(`s${i}`, { $and: [{ field: "status", operator: "eq", value: "SUBSCRIBED" }, { field: "n", operator: "ne", value: i }] });
    // The getter counts the reads of `status`: one per pass, whatever the number of segments reading it.
    expect(index.match(doc)).toHaveLength(50);
    expect(reads).toBe(1);
  });
});

describe("many segments at once equal each alone", () => {
  it("countMembersMany ≡ separate countMembers, every version", () => {
    fc.assert(
      fc.property(fc.array(conditionArb, { minLength: 1, maxLength: 12 }), fc.array(docArb, { maxLength: 12 }), fc.constantFrom(...MONGO_VERSIONS), (conditions, docs, version) => {
        const options = { mongoVersion: version };
        const segments = Object.fromEntries(conditions.map((c, i) => [`s${i}`, i % 3 === 0 ? compileCondition(c, options) : c]));
        const many = countMembersMany(segments, docs, options);
        for (const [id, c] of Object.entries(segments)) expect(many[id]).toBe(countMembers(c, docs, options));
      }),
      { numRuns: 1_000 },
    );
  });

  it("countMembersMany over a long source (which switches to one generated function) ≡ separate countMembers", () => {
    fc.assert(
      fc.property(fc.array(conditionArb, { minLength: 1, maxLength: 20 }), fc.array(docArb, { minLength: 1, maxLength: 40 }), fc.constantFrom(...MONGO_VERSIONS), (conditions, docs, version) => {
        const options = { mongoVersion: version };
        const long = Array.from({ length: 700 }, (_, i) => docs[i % docs.length]);
        const many = countMembersMany(Object.fromEntries(conditions.map((c, i) => [`s${i}`, c])), long, options);
        conditions.forEach((c, i) => expect(many[`s${i}`]).toBe(countMembers(c, long, options)));
        const jitless = countMembersMany(Object.fromEntries(conditions.map((c, i) => [`s${i}`, c])), long, { ...options, jitless: true });
        expect(jitless).toEqual(many);
      }),
      { numRuns: 100 },
    );
  });

  it("an index of thousands of generated segments ≡ evaluating each alone, through set, replace and delete", () => {
    fc.assert(
      fc.property(fc.array(conditionArb, { minLength: 1_000, maxLength: 1_500 }), fc.array(docArb, { minLength: 5, maxLength: 10 }), (conditions, docs) => {
        const engine = createSegmatch();
        const index = engine.createIndex();
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
        for (const doc of docs) expect(index.match(doc)).toEqual([...alone].filter(([, m]) => m(doc)).map(([id]) => id));
      }),
      { numRuns: 15 },
    );
  });
});

describe("a document that calls back into the index while it is evaluated", () => {
  it("fails its read (the index refuses the nested call) and leaves the index answering correctly", () => {
    const index = createSegmatch().createIndex();
    index.set("a", { field: "x", operator: "eq", value: 1 });
    index.set("b", { field: "y", operator: "eq", value: 2 });
    const sneaky = Object.defineProperty({ x: 1 }, "y", { enumerable: true, get: () => index.match({ y: 2 }) });
    expect(() => index.match(sneaky)).toThrow(/called back into the segment index/);
    expect(index.match({ x: 1, y: 2 })).toEqual(["a", "b"]);
    expect(index.match({ y: 2 })).toEqual(["b"]);
  });
});
