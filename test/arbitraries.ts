/**
 * fast-check arbitraries for condition trees and contact documents. Both draw from small
 * shared pools of paths and values, so that conditions hit documents often, and from the
 * awkward corners: missing fields, null, arrays (nested, of objects, empty), numeric path
 * segments, mixed types, Dates, NaN, -0, and strings with regex metacharacters, newlines
 * and characters beyond the BMP.
 */
import fc from "fast-check";
import {
  contactFields,
  defineFields,
  OPERATORS,
  type Condition,
  type FieldCatalog,
  type Operator,
} from "../src/index.js";
import { TYPE_OPERATORS } from "../src/catalog/typing.js";

export const KEYS = ["a", "b", "c", "0", "1"] as const;
export const PATHS = ["a", "b", "a.b", "a.c", "a.0", "a.b.c", "a.0.b", "b.1", "tags", "c"] as const;
export const TOPIC_IDS = ["t1", "t2", "t3"] as const;

/** Strings that stress ordering, regex escaping and PCRE's `$`. */
export const STRINGS = [
  "",
  "a",
  "ab",
  "abc",
  "b",
  "B",
  "18",
  "1",
  "a.c",
  "a\n",
  "abc\n",
  "\n",
  "x$",
  "^a",
  "(a)",
  "[",
  "a|b",
  ".*",
  "\\",
  "\\d",
  "a+",
  "?",
  "\u0000",
  "é",
  "\uFFFF",
  "\uE000",
  "\u{1F600}",
  "a\u{1F600}",
  "\u{10FFFF}",
  "t1",
] as const;
export const NUMBERS = [-1, 0, -0, 1, 1.5, 18, 100, -2.5] as const;

const poolString = fc.constantFrom(...STRINGS);
const anyString = fc.oneof(
  { weight: 4, arbitrary: poolString },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
);
const poolNumber = fc.constantFrom(...NUMBERS);

/** Scalars a condition may compare with. */
export const scalarArb = fc.oneof(poolString, poolNumber, fc.boolean());
const listItemArb = fc.oneof(poolString, poolNumber);

/** Leaf values a document may hold; `undefined` is the deprecated BSON undefined, as the driver decodes it. */
const docScalarArb = fc.oneof(
  { weight: 5, arbitrary: anyString },
  {
    weight: 4,
    arbitrary: fc.oneof(poolNumber, fc.constantFrom(Number.NaN, Infinity, -Infinity), fc.integer({ min: -3, max: 20 })),
  },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: fc.constant(null) },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.constantFrom(new Date(0), new Date(18)) },
);

const { value: docValueArb } = fc.letrec<{ value: unknown; object: Record<string, unknown>; array: unknown[] }>(
  (tie) => ({
    value: fc.oneof({ depthSize: "small", withCrossShrink: true }, docScalarArb, tie("object"), tie("array")),
    object: fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 3, noNullPrototype: true }),
    array: fc.array(tie("value"), { maxLength: 3 }),
  }),
);

const topicsArb = fc.oneof(
  fc.uniqueArray(fc.constantFrom(...TOPIC_IDS), { maxLength: 3 }),
  fc.constantFrom("t1", null),
  fc.array(fc.oneof(fc.constantFrom(...TOPIC_IDS), fc.constant(null)), { maxLength: 2 }),
);

/** A contact document: a few of the pool's keys, plus `topics` and `tags` now and then. */
export const docArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record(
    {
      a: docValueArb,
      b: docValueArb,
      c: docValueArb,
      tags: fc.array(anyString, { maxLength: 3 }),
      topics: topicsArb,
      undef: fc.constant(undefined),
    },
    { requiredKeys: [], noNullPrototype: true },
  )
  .map((doc) => {
    // A field holding BSON undefined, where fields are read.
    if ("undef" in doc) {
      delete doc.undef;
      doc.b = undefined;
    }
    return doc;
  });

function valueFor(operator: Operator): fc.Arbitrary<unknown> {
  switch (operator) {
    case "in":
    case "nin":
      // Up to 6 items: generated code compares at most 4 strings one by one and asks a Set beyond.
      return fc.array(listItemArb, { minLength: 1, maxLength: 6 });
    case "contains":
    case "startsWith":
    case "endsWith":
      return poolString;
    case "exists":
      return fc.boolean();
    default:
      return scalarArb;
  }
}

export const fieldConditionArb: fc.Arbitrary<Condition> = fc
  .tuple(fc.constantFrom(...PATHS), fc.constantFrom(...OPERATORS))
  .chain(([field, operator]) => valueFor(operator).map((value) => ({ field, operator, value }) as Condition));

const topicIdsArb = fc.uniqueArray(fc.constantFrom(...TOPIC_IDS, "t9"), { minLength: 1, maxLength: 3 });
export const topicConditionArb: fc.Arbitrary<Condition> = fc.oneof(
  topicIdsArb.map((ids) => ({ subscribedToTopic: ids })),
  topicIdsArb.map((ids) => ({ notSubscribedToTopic: ids })),
  fc.tuple(topicIdsArb, topicIdsArb).map(([a, b]) => ({ subscribedToTopic: a, notSubscribedToTopic: b })),
);

/** Trees of `$and`/`$or`/`$not` (several keys at once too) over the given field conditions. */
export function conditionTreeArb(fieldArb: fc.Arbitrary<Condition>): fc.Arbitrary<Condition> {
  return fc.letrec<{ condition: Condition; logical: Condition }>((tie) => ({
    condition: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 4, arbitrary: fieldArb },
      { weight: 1, arbitrary: topicConditionArb },
      { weight: 2, arbitrary: tie("logical") },
    ),
    logical: fc
      .record(
        {
          $and: fc.array(tie("condition"), { minLength: 1, maxLength: 3 }),
          $or: fc.array(tie("condition"), { minLength: 1, maxLength: 3 }),
          $not: tie("condition"),
        },
        { requiredKeys: [], noNullPrototype: true },
      )
      .filter((c) => Object.keys(c).length > 0) as fc.Arbitrary<Condition>,
  })).condition;
}

export const conditionArb = conditionTreeArb(fieldConditionArb);

/**
 * A catalog whose paths fall on the document pool's paths, so typed conditions meet
 * numbers, dates (as Date and as epoch milliseconds), strings and everything else.
 */
export const TEST_CATALOG = defineFields(contactFields, {
  score: { type: "number", path: "a" },
  "Join Date": { type: "date", path: "b", storage: "epochMillis" },
  joined: { type: "date", path: "a.b" },
  seen: { type: "date", path: "c" },
  plan: { type: "enum", path: "c", values: ["free", "pro", "a", "18"] },
  vip: { type: "boolean", path: "a.0" },
  label: { type: "string", path: "tags" },
  "Nick Name": { type: "string", path: "b.1" },
});

/** Date values that land on the documents' Date(0), Date(18) and the numbers 0 and 18. */
const DATE_VALUES = [
  "1970-01-01",
  "1970-01-01T00:00:00.018Z",
  "1970-01-01T01:00:00+01:00",
  "1969-12-31T23:59:59.999-00:00",
  0,
  18,
  -1,
  1,
] as const;

/** Operand pools by field type, for typed field conditions over a catalog. */
export interface TypedPools {
  readonly number: fc.Arbitrary<unknown>;
  readonly date: fc.Arbitrary<unknown>;
  readonly string: fc.Arbitrary<unknown>;
}

/** Field conditions over `catalog`: a field, one of its type's operators, and an operand from `pools` (an enum's own values). */
export function typedFieldArb(catalog: FieldCatalog, pools: TypedPools): fc.Arbitrary<Condition> {
  const one = (type: string, values: readonly string[] | undefined): fc.Arbitrary<unknown> =>
    type === "number"
      ? pools.number
      : type === "date"
        ? pools.date
        : type === "enum"
          ? fc.constantFrom(...(values ?? []))
          : type === "boolean"
            ? fc.boolean()
            : pools.string;
  return fc.constantFrom(...Object.keys(catalog)).chain((field) => {
    const spec = catalog[field]!;
    return fc.constantFrom(...TYPE_OPERATORS[spec.type]).chain((operator) => {
      const item = one(spec.type, spec.values);
      const value =
        operator === "exists"
          ? fc.boolean()
          : operator === "in" || operator === "nin"
            ? fc.array(item, { minLength: 1, maxLength: 6 })
            : item;
      return value.map((v) => ({ field, operator, value: v }) as Condition);
    });
  });
}

export const typedFieldConditionArb: fc.Arbitrary<Condition> = typedFieldArb(TEST_CATALOG, {
  number: poolNumber,
  date: fc.constantFrom(...DATE_VALUES),
  string: poolString,
});

export const typedConditionArb = conditionTreeArb(typedFieldConditionArb);

const recordArb = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record(
      {
        topicId: fc.constantFrom(...TOPIC_IDS, "t9"),
        status: fc.constantFrom("SUBSCRIBED", "UNSUBSCRIBED", "subscribed"),
      },
      { noNullPrototype: true },
    ),
  },
  {
    weight: 1,
    arbitrary: fc.record(
      { topicId: fc.constantFrom("t1", null), status: fc.constantFrom("SUBSCRIBED", null) },
      { requiredKeys: [], noNullPrototype: true },
    ),
  },
  { weight: 1, arbitrary: fc.constantFrom("t1", null, ["t1"]) },
  {
    weight: 1,
    arbitrary: fc.record(
      { topicId: fc.constant(["t1", "t2"]), status: fc.constant("SUBSCRIBED") },
      { noNullPrototype: true },
    ),
  },
);

/** Documents whose `topics` hold `{ topicId, status }` records (or junk), for the `records` layout. */
export const recordsDocArb: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    docArb,
    fc.oneof(
      { weight: 6, arbitrary: fc.array(recordArb, { maxLength: 4 }) },
      { weight: 1, arbitrary: fc.constantFrom(null, "t1", [[{ topicId: "t1", status: "SUBSCRIBED" }]]) },
    ),
    fc.boolean(),
  )
  .map(([doc, topics, present]) => {
    const copy = { ...doc };
    if (present) copy.topics = topics;
    else delete copy.topics;
    return copy;
  });

/** Date math as the language takes it: up to `maxSteps` steps of 0…`maxAmount` units, and maybe a rounding unit. */
export function dateMathArb(maxAmount = 3, maxSteps = 2): fc.Arbitrary<string> {
  const unit = fc.constantFrom("y", "M", "w", "d", "h", "m", "s");
  return fc
    .tuple(
      fc.array(fc.tuple(fc.constantFrom("+", "-"), fc.integer({ min: 0, max: maxAmount }), unit), {
        maxLength: maxSteps,
      }),
      fc.option(unit, { nil: undefined }),
    )
    .map(
      ([steps, round]) =>
        `now${steps.map(([s, n, u]) => `${s}${n}${u}`).join("")}${round === undefined ? "" : `/${round}`}`,
    );
}
