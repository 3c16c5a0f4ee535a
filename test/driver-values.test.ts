/**
 * Documents as the official driver hands them over (`promoteValues: false`, old data):
 * BSONSymbol is a string to every string test and comparison, a DBRef is the embedded
 * document MongoDB stores, an invalid Date is stored as epoch 0. Tables with real BSON
 * round trips, then metamorphic properties: rewriting a document the way the driver would
 * store it changes no answer. Every row and run is checked on every evaluator tier
 * (tiers.ts): a driver value inside a plain document runs generated code; a DBRef or class
 * instance as the whole document goes to the closures by design.
 */
import { BSON, BSONSymbol, DBRef, Decimal128, ObjectId } from "bson";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCondition, contactFields, defineFields, MONGO_VERSIONS, type Condition } from "../src/index.js";
import { conditionArb, docArb } from "./arbitraries.js";
import { runs } from "./fc-setup.js";
import { agreedAnswers, expectAllTiers, itRanEveryTier } from "./tiers.js";

const f = (field: string, operator: string, value: unknown) => ({ field, operator, value }) as Condition;

/** A document through the driver: serialized, then read back without promoting values. */
const viaDriver = (doc: Record<string, unknown>) => BSON.deserialize(BSON.serialize(doc), { promoteValues: false });

describe("BSONSymbol is a string", () => {
  const doc = viaDriver({
    s: new BSONSymbol("hello"),
    tags: [new BSONSymbol("vip"), "x"],
    topics: [new BSONSymbol("t1")],
  });
  it("the driver hands it over as a BSONSymbol", () => {
    expect(doc.s).toBeInstanceOf(BSONSymbol);
  });
  it.each([
    [f("s", "eq", "hello"), true],
    [f("s", "ne", "hello"), false],
    [f("s", "in", ["x", "hello"]), true],
    [f("s", "nin", ["hello"]), false],
    [f("s", "contains", "ell"), true],
    [f("s", "startsWith", "he"), true],
    [f("s", "endsWith", "llo"), true],
    [f("s", "endsWith", "x"), false],
    [f("s", "gt", "hellk"), true],
    [f("s", "lt", "hello"), false],
    [f("s", "lte", "hello"), true],
    [f("s", "eq", 5), false],
    [f("s", "exists", true), true],
    [f("tags", "eq", "vip"), true],
    [f("tags", "contains", "ip"), true],
    [{ subscribedToTopic: ["t1"] }, true],
    [{ notSubscribedToTopic: ["t1"] }, false],
  ] as const)("%j → %s", (condition, expected) => {
    expectAllTiers(condition, doc, expected);
  });
  it("in topic records, as topicId and as status", () => {
    const records = viaDriver({ topics: [{ topicId: new BSONSymbol("t1"), status: new BSONSymbol("SUBSCRIBED") }] });
    expectAllTiers({ subscribedToTopic: ["t1"] }, records, true, { topics: { layout: "records" } });
    expectAllTiers({ notSubscribedToTopic: ["t1"] }, records, false, { topics: { layout: "records" } });
  });
});

describe("DBRef is an embedded document", () => {
  const doc = viaDriver({
    manager: { $ref: "contacts", $id: new ObjectId("64b000000000000000000001"), name: "Ada", level: 3 },
    owners: [{ $ref: "c", $id: 1, name: "Bo" }],
  });
  it("the driver hands it over as a DBRef", () => {
    expect(doc.manager).toBeInstanceOf(DBRef);
  });
  it.each([
    [f("manager.name", "eq", "Ada"), true],
    [f("manager.level", "gte", 3), true],
    [f("manager.name", "exists", false), false],
    [f("manager.missing", "exists", false), true],
    // The DBRef object's own JavaScript properties are not fields of the stored document.
    [f("manager.collection", "exists", true), false],
    [f("manager.oid", "exists", true), false],
    [f("owners.name", "eq", "Bo"), true],
    [f("owners.0.name", "eq", "Bo"), true],
    [f("manager", "exists", true), true],
    [f("manager", "eq", "Ada"), false],
  ] as const)("%j → %s", (condition, expected) => {
    expectAllTiers(condition, doc, expected);
  });
});

describe("an invalid Date is stored as epoch 0", () => {
  const catalog = defineFields(contactFields, { seen: { type: "date" } });
  const nan = { seen: new Date(Number.NaN), createdAt: [new Date(Number.NaN)] };
  it("the driver writes it as epoch 0", () => {
    expect((BSON.deserialize(BSON.serialize(nan)).seen as Date).getTime()).toBe(0);
  });
  it.each([
    [f("seen", "eq", "1970-01-01"), true],
    [f("seen", "eq", 0), true],
    [f("seen", "gte", "1970-01-01"), true],
    [f("seen", "gt", "1969-12-31T23:59:59.999Z"), true],
    [f("seen", "lt", "1970-01-01T00:00:00.001Z"), true],
    [f("seen", "in", ["1970-01-01", "2024-01-01"]), true],
    [f("seen", "ne", "1970-01-01"), false],
    [f("createdAt", "eq", "1970-01-01"), true],
  ] as const)("%j → %s", (condition, expected) => {
    expectAllTiers(condition, nan, expected, { fields: catalog });
    // …exactly as the document the driver stores answers.
    expectAllTiers(condition, BSON.deserialize(BSON.serialize(nan)), expected, { fields: catalog });
  });
});

describe("Decimal128 against a long in list", () => {
  it("compares a value with O(log n) items, exactly", () => {
    const items = Array.from({ length: 9_990 }, (_, i) => i * 1.5);
    const c = compileCondition(f("v", "in", items));
    let reads = 0;
    // A Decimal128 that counts how often its text is read: once per exact comparison.
    const counted = (text: string) => ({ _bsontype: "Decimal128", toString: () => (reads++, text) });
    expect(c.matches({ v: counted("1E+6144") })).toBe(false);
    expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(items.length)));
    reads = 0;
    expect(c.matches({ v: counted("4048.50") })).toBe(true); // 2699 × 1.5
    expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(items.length)));
    // Every tier, generated code included, answers the same on real Decimal128 values.
    expectAllTiers(f("v", "in", items), { v: Decimal128.fromString("4048.5000000000000000000000001") }, false);
    expectAllTiers(f("v", "in", items), { v: [Decimal128.fromString("-1"), Decimal128.fromString("0.0")] }, true);
    expectAllTiers(f("v", "nin", items), { v: Decimal128.fromString("1E+6144") }, true);
  });
});

/** The document the driver would store for `doc`: strings as symbols, documents as DBRefs, epoch-0 Dates as invalid Dates. */
function asDriverValues(value: unknown, pick: () => boolean): unknown {
  if (typeof value === "string") return pick() ? new BSONSymbol(value) : value;
  if (value instanceof Date) return value.getTime() === 0 && pick() ? new Date(Number.NaN) : value;
  if (Array.isArray(value)) return value.map((v) => asDriverValues(v, pick));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = asDriverValues(v, pick);
    return pick() ? new DBRef("contacts", new ObjectId("64b000000000000000000001"), undefined, out) : out;
  }
  return value;
}

describe("driver values change no answer (metamorphic)", () => {
  it("strings as BSONSymbols, embedded documents as DBRefs, epoch 0 as an invalid Date", () => {
    let changed = 0;
    fc.assert(
      fc.property(
        conditionArb,
        docArb,
        fc.infiniteStream(fc.boolean()),
        fc.constantFrom(...MONGO_VERSIONS),
        (condition, doc, coins, version) => {
          const it = coins[Symbol.iterator]();
          const pick = () => it.next().value as boolean;
          const top: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(doc)) top[k] = asDriverValues(v, pick);
          // Every tier agrees on each document (BSONSymbol, DBRef and invalid Dates through generated code too)…
          const [plain, rewritten] = agreedAnswers(condition, [doc, top], { mongoVersion: version });
          // …and the driver's values change no answer.
          expect(rewritten).toBe(plain);
          if (JSON.stringify(top) !== JSON.stringify(doc)) changed++;
        },
      ),
      { numRuns: runs(5_000) },
    );
    expect(changed).toBeGreaterThan(runs(5_000) / 5);
  });
});

itRanEveryTier();
