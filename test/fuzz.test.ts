/**
 * Parser fuzzing: arbitrary JSON, near-miss conditions and hostile objects give either a
 * condition or a ConditionError, nothing else; and an accepted condition compiles to a
 * filter with only the compiler's operators, no deeper than MongoDB accepts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ConditionError,
  DEFAULT_LIMITS,
  MAX_DEPTH_CEILING,
  compileCondition,
  membershipChangeFilters,
  safeParseCondition,
  type Condition,
} from "../src/index.js";
import { conditionArb, TEST_CATALOG, typedConditionArb } from "./arbitraries.js";
import { runs } from "./fc-setup.js";

const EMITTED = new Set([
  "$and",
  "$or",
  "$nor",
  "$eq",
  "$ne",
  "$gt",
  "$gte",
  "$lt",
  "$lte",
  "$in",
  "$nin",
  "$regex",
  "$not",
  "$elemMatch",
]);

/** Checks a filter's operator keys and returns its BSON nesting depth (objects and arrays). */
function inspectFilter(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(inspectFilter));
  if (typeof value !== "object" || value === null) return 0;
  let depth = 0;
  for (const [key, inner] of Object.entries(value)) {
    if (key.startsWith("$") && !EMITTED.has(key)) throw new Error(`filter has operator ${key}`);
    if (!key.startsWith("$") && key.split(".").some((s) => s.startsWith("$")))
      throw new Error(`filter has path ${key}`);
    depth = Math.max(depth, inspectFilter(inner));
  }
  return 1 + depth;
}

function outcome(input: unknown): "ok" | "refused" {
  const result = safeParseCondition(input);
  if (result.success) {
    expect(inspectFilter(compileCondition(input).filter)).toBeLessThanOrEqual(100);
    return "ok";
  }
  expect(result.error).toBeInstanceOf(ConditionError);
  expect(result.error.issues.length).toBeGreaterThan(0);
  for (const issue of result.error.issues) {
    expect(typeof issue.code).toBe("string");
    expect(Array.isArray(issue.path)).toBe(true);
    expect(issue.message.length).toBeGreaterThan(0);
  }
  return "refused";
}

/** A valid condition with one spot replaced, one key added or removed, or one value retyped. */
const nearMissArb: fc.Arbitrary<unknown> = fc
  .tuple(
    conditionArb,
    fc.nat(),
    fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(undefined, Number.NaN, -0, "$where", "__proto__", "", "\uD800", [], {}),
    ),
    fc.nat(3),
  )
  .map(([condition, pick, replacement, how]) => {
    const copy = structuredClone(condition) as unknown;
    const spots: { parent: Record<string | number, unknown>; key: string | number }[] = [];
    const collect = (v: unknown) => {
      if (typeof v !== "object" || v === null) return;
      for (const key of Object.keys(v)) {
        spots.push({ parent: v as Record<string, unknown>, key: Array.isArray(v) ? Number(key) : key });
        collect((v as Record<string, unknown>)[key]);
      }
    };
    collect(copy);
    const spot = spots[pick % Math.max(1, spots.length)];
    if (!spot) return replacement;
    if (how === 0) spot.parent[spot.key] = replacement;
    else if (how === 1) delete spot.parent[spot.key];
    else if (how === 2 && !Array.isArray(spot.parent))
      spot.parent[typeof replacement === "string" ? replacement : "extra"] = replacement;
    else
      spot.parent[spot.key] =
        typeof spot.parent[spot.key] === "string"
          ? String(spot.parent[spot.key]).toUpperCase()
          : [spot.parent[spot.key]];
    return copy;
  });

describe("parser fuzzing", () => {
  it("arbitrary JSON yields a condition or a ConditionError", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (input) => void outcome(input)),
      { numRuns: runs(3_000) },
    );
  });

  it("arbitrary JS values (undefined, NaN, Dates, symbols, functions…) too", () => {
    fc.assert(
      fc.property(
        fc.anything({
          withBigInt: true,
          withDate: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withObjectString: true,
        }),
        (input) => void outcome(input),
      ),
      {
        numRuns: runs(2_000),
      },
    );
  });

  it("near-miss conditions yield a condition or a ConditionError, and are mostly refused", () => {
    const seen = { ok: 0, refused: 0 };
    fc.assert(
      fc.property(nearMissArb, (input) => void seen[outcome(input)]++),
      { numRuns: runs(3_000) },
    );
    expect(seen.refused).toBeGreaterThan(runs(3_000) / 3);
  });

  it("with a catalog: arbitrary JSON and typed conditions yield a condition or a ConditionError", () => {
    const options = { fields: TEST_CATALOG, topics: { layout: "records" as const } };
    const check = (input: unknown) => {
      const r = safeParseCondition(input, options);
      if (r.success) expect(inspectFilter(compileCondition(input, options).filter)).toBeLessThanOrEqual(100);
      else expect(r.error).toBeInstanceOf(ConditionError);
    };
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 5 }), check), { numRuns: runs(1_000) });
    fc.assert(
      fc.property(typedConditionArb, (c) => void expect(safeParseCondition(c, options).success).toBe(true)),
      { numRuns: runs(1_000) },
    );
  });

  it("generated valid conditions are accepted and compile within MongoDB's depth", () => {
    fc.assert(
      fc.property(conditionArb, (c: Condition) => void expect(outcome(c)).toBe("ok")),
      { numRuns: runs(2_000) },
    );
  });
});

describe("hostile and absurd input", () => {
  const nest = (levels: number, key: "$not" | "$and"): unknown => {
    let node: unknown = { field: "a", operator: "eq", value: 1 };
    for (let i = 0; i < levels; i++) node = key === "$not" ? { $not: node } : { $and: [node] };
    return node;
  };
  const issue = (input: unknown, options?: Parameters<typeof safeParseCondition>[1]) => {
    const r = safeParseCondition(input, options);
    if (r.success) throw new Error("accepted");
    return r.error.issues[0]!;
  };

  it("100,000 levels of nesting: too_deep, no stack overflow", () => {
    expect(issue(nest(100_000, "$and"))).toMatchObject({ code: "too_deep" });
    expect(issue(nest(100_000, "$not")).code).toBe("too_deep");
  });

  it("the depth limit counts condition levels exactly, and is adjustable", () => {
    expect(safeParseCondition(nest(DEFAULT_LIMITS.maxDepth - 1, "$and")).success).toBe(true);
    expect(issue(nest(DEFAULT_LIMITS.maxDepth, "$and"))).toMatchObject({
      code: "too_deep",
      path: Array.from({ length: 32 }, () => ["$and", 0]).flat(),
    });
    expect(safeParseCondition(nest(40, "$not"), { limits: { maxDepth: 41 } }).success).toBe(true);
    expect(issue(nest(3, "$not"), { limits: { maxDepth: 3 } }).code).toBe("too_deep");
  });

  it("the deepest allowed condition compiles to a filter MongoDB accepts", () => {
    for (const key of ["$and", "$not"] as const) {
      const deepest = nest(MAX_DEPTH_CEILING - 2, key); // with the $or below: exactly MAX_DEPTH_CEILING levels
      const c = compileCondition({ $or: [deepest as Condition] }, { limits: { maxDepth: MAX_DEPTH_CEILING } });
      expect(inspectFilter(c.filter)).toBeLessThanOrEqual(100);
    }
    expect(issue(nest(1, "$and"), { limits: { maxDepth: MAX_DEPTH_CEILING + 1 } })).toMatchObject({
      code: "invalid_options",
      path: ["options", "limits", "maxDepth"],
    });
  });

  it("the deepest filters stay within 100 levels: multi-key objects, negated records topics, change filters", () => {
    // Every level a multi-key object; the deepest leaf the deepest filter leaf there is.
    let node: unknown = { subscribedToTopic: ["t1"], notSubscribedToTopic: ["t2"] };
    for (let depth = 2; depth <= MAX_DEPTH_CEILING; depth++)
      node = { $or: [node], $not: { field: "a", operator: "eq", value: 1 } };
    const options = { limits: { maxDepth: MAX_DEPTH_CEILING }, topics: { layout: "records" as const } };
    const c = compileCondition(node, options);
    const depth = inspectFilter(c.filter);
    expect(depth).toBe(2 * MAX_DEPTH_CEILING + 4);
    const { entering, leaving } = membershipChangeFilters(
      node,
      { field: "a", operator: "exists", value: true },
      options,
    );
    expect(inspectFilter(entering)).toBeLessThanOrEqual(100);
    expect(inspectFilter(leaving)).toBeLessThanOrEqual(100);
    expect(inspectFilter(entering)).toBe(2 * MAX_DEPTH_CEILING + 8); // `before` sits inside $and → $nor
  });

  it("a cycle: cyclic_input with its path", () => {
    const a: Record<string, unknown> = { $and: [] };
    (a.$and as unknown[]).push({ $not: a });
    expect(issue(a)).toMatchObject({ code: "cyclic_input", path: ["$and", 0, "$not"] });
  });

  it("a shared (acyclic) subtree is fine", () => {
    const leaf = { field: "a", operator: "eq", value: 1 };
    expect(safeParseCondition({ $and: [leaf, leaf, { $not: leaf }] }).success).toBe(true);
  });

  it("a 10 MB string: too_long", () => {
    expect(issue({ field: "a", operator: "contains", value: "x".repeat(10_000_000) })).toMatchObject({
      code: "too_long",
      path: ["value"],
    });
    expect(issue({ field: "a".repeat(10_000_000), operator: "eq", value: 1 })).toMatchObject({
      code: "too_long",
      path: ["field"],
    });
    expect(issue({ ["k".repeat(10_000_000)]: 1 }).code).toBe("too_long");
  });

  it("a huge list: too_many_items; a huge tree: too_many_nodes", () => {
    expect(issue({ field: "a", operator: "in", value: Array.from({ length: 1_000_000 }, (_, i) => i) })).toMatchObject({
      code: "too_many_items",
      path: ["value"],
    });
    const wide = {
      $or: Array.from({ length: 9_000 }, () => ({
        field: "a",
        operator: "in",
        value: Array.from({ length: 20 }, (_, i) => i),
      })),
    };
    expect(issue(wide).code).toBe("too_many_nodes");
    expect(issue({ field: "a", operator: "in", value: new Array(4_000_000_000 >>> 2) }).code).toBe("too_many_items");
  });

  it("getters that throw and revoked proxies: unreadable_input", () => {
    const trap = {
      field: "a",
      operator: "eq",
      get value(): never {
        throw new Error("boom");
      },
    };
    expect(issue(trap)).toMatchObject({
      code: "unreadable_input",
      message: expect.stringContaining("boom") as unknown,
    });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(issue({ $not: proxy }).code).toBe("unreadable_input");
  });

  it("a getter is read once: what was validated is what is compiled", () => {
    let reads = 0;
    const sneaky = {
      field: "a",
      operator: "eq",
      get value() {
        return reads++ === 0 ? 1 : { $where: "sleep(1000)" };
      },
    };
    const c = compileCondition(sneaky);
    expect(c.filter).toEqual({ a: { $eq: 1 } });
    expect(reads).toBe(1);
  });

  it("unreadable options are refused too, never thrown as something else", () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(issue({ field: "a", operator: "eq", value: 1 }, proxy)).toMatchObject({
      code: "invalid_options",
      path: ["options"],
    });
    expect(
      issue(
        { field: "a", operator: "eq", value: 1 },
        {
          get limits(): never {
            throw new Error("nope");
          },
        },
      ),
    ).toMatchObject({ code: "invalid_options" });
    expect(
      issue(
        { field: "a", operator: "eq", value: 1 },
        {
          get limits(): never {
            throw Object.create(null);
          },
        },
      ),
    ).toMatchObject({ code: "invalid_options" });
    const sneaky = new Error("x");
    Object.defineProperty(sneaky, "message", {
      get() {
        throw new Error("again");
      },
    });
    expect(
      issue({
        field: "a",
        operator: "eq",
        get value(): never {
          throw sneaky;
        },
      }),
    ).toMatchObject({ code: "unreadable_input" });
  });

  it("bad options are refused with their path", () => {
    expect(issue({ field: "a", operator: "eq", value: 1 }, { limits: { maxDepth: 0 } })).toMatchObject({
      code: "invalid_options",
      path: ["options", "limits", "maxDepth"],
    });
    expect(issue({ field: "a", operator: "eq", value: 1 }, { topics: { path: "$x" } })).toMatchObject({
      code: "invalid_options",
      path: ["options", "topics", "path"],
    });
    expect(issue({ field: "a", operator: "eq", value: 1 }, { topics: { path: "t.01" } })).toMatchObject({
      code: "invalid_options",
      path: ["options", "topics", "path"],
    });
  });
});
