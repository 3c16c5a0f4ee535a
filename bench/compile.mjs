// Compiling conditions per request, against ucast (@ucast/mongo2js `guard`, which turns a
// MongoDB query into a JavaScript predicate), in one run (medians; read the ratios):
//  1. the same 5-clause condition compiled again and again through an engine that holds the
//     `contactFields` catalog and evaluated once (a request's work), vs ucast's guard on the
//     equivalent MongoDB filter, evaluated once; and the same for the MongoDB filter alone;
//  2. a new condition each time (new field names and values), compiled and evaluated on 100
//     contacts, vs ucast doing the same.
// Run: npm run bench   (builds first; measures the shipped dist/)
import { guard } from "@ucast/mongo2js";
import { contactFields, createSegmatch, defineFields, toMongoFilter } from "../dist/index.js";
import { sampleContacts } from "../scripts/sample-contacts.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const now = () => Number(process.hrtime.bigint()) / 1e3; // µs

function measure(contenders, iterations, rounds = 9) {
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const t = now();
      for (let i = 0; i < iterations; i++) fn(i);
      if (round >= 2) samples[name].push((now() - t) / iterations);
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}

function report(title, med, base) {
  console.log(title);
  console.table(
    Object.entries(med).map(([name, us]) => ({
      contender: name,
      "µs per call": fmt(us),
      [`vs ${base}`]: `${fmt(us / med[base])}x`,
    })),
  );
}

const fields = defineFields(contactFields, {
  ltv: { type: "number", path: "properties.lifetime_value" },
  plan: { type: "string", path: "properties.plan" },
});
const engine = createSegmatch({ fields });

// 1. The same condition, compiled per request.
{
  const condition = {
    $and: [
      { field: "country", operator: "in", value: ["NG", "KE"] },
      { field: "status", operator: "eq", value: "SUBSCRIBED" },
      { field: "ltv", operator: "gte", value: 300 },
      { field: "email", operator: "contains", value: "gmail" },
      { field: "plan", operator: "ne", value: "free" },
    ],
  };
  const filter = toMongoFilter(condition, { fields });
  const [contact] = sampleContacts(1, 4);
  const med = measure(
    {
      "ucast guard(filter) + 1 evaluation": () => guard(filter)(contact),
      "engine.compile + 1 evaluation": () => engine.compileCondition(condition).matches(contact),
      "engine.compile + its filter": () => engine.compileCondition(condition).filter,
      "engine.toMongoFilter": () => engine.toMongoFilter(condition),
    },
    2_000,
  );
  report(
    "compile the same 5-clause condition (median µs per compile, contactFields catalog)",
    med,
    "ucast guard(filter) + 1 evaluation",
  );
}

// 2. A new condition each time, evaluated on 100 contacts.
{
  const CONTACTS = [...sampleContacts(100, 4)];
  const plain = createSegmatch();
  const condition = (i) => ({
    $and: [
      { field: `properties.p${i % 500}`, operator: "eq", value: `v${i}` },
      { field: "status", operator: "ne", value: `S${i % 7}` },
      {
        $or: [
          { field: `f${i % 300}`, operator: "gt", value: i % 50 },
          { field: "country", operator: "in", value: ["NG", `C${i}`] },
        ],
      },
    ],
  });
  const filters = Array.from({ length: 3_000 }, (_, i) => toMongoFilter(condition(i)));
  const med = measure(
    {
      "ucast guard + 100 evaluations": (i) => {
        const test = guard(filters[i]);
        let n = 0;
        for (const c of CONTACTS) if (test(c)) n++;
        return n;
      },
      "engine.compile + 100 evaluations": (i) => {
        const { matches } = plain.compileCondition(condition(i));
        let n = 0;
        for (const c of CONTACTS) if (matches(c)) n++;
        return n;
      },
    },
    3_000,
    7,
  );
  report(
    "\ncompile a new condition and evaluate it on 100 contacts (median µs per condition)",
    med,
    "ucast guard + 100 evaluations",
  );
}

// 3. (issue 20) 1,000 distinct 5-clause conditions per round through the engine with the
// contactFields catalog (clause order, operators, nesting and values vary), each compiled
// and evaluated once, vs ucast's guard on segmatch's own filter of the same condition.
{
  const [contact] = sampleContacts(1, 4);
  const STRINGS = ["email", "firstName", "lastName", "city", "country", "phone", "plan"];
  const clause = (i, k) => {
    const v = (i * 7 + k * 13) % 97;
    switch ((i + k) % 6) {
      case 0:
        return { field: "country", operator: "in", value: ["NG", "KE", `C${v}`] };
      case 1:
        return {
          field: "status",
          operator: k % 2 ? "eq" : "ne",
          value: ["SUBSCRIBED", "BOUNCED", "UNCONFIRMED"][v % 3],
        };
      case 2:
        return { field: "ltv", operator: ["gt", "gte", "lt", "lte"][v % 4], value: v * 10 };
      case 3:
        return {
          field: STRINGS[v % STRINGS.length],
          operator: ["contains", "startsWith", "endsWith"][v % 3],
          value: `x${v}`,
        };
      case 4:
        return { $not: { field: STRINGS[(v + 1) % STRINGS.length], operator: "eq", value: `n${v}` } };
      default:
        return { field: "createdAt", operator: v % 2 ? "gte" : "lt", value: `2024-0${1 + (v % 9)}-1${v % 10}` };
    }
  };
  const conditionOf = (i) => {
    const clauses = Array.from({ length: 5 }, (_, k) => clause(i, k));
    // Nesting varies: flat, an $or of two inside, or the whole as an $or of two $ands.
    return i % 3 === 0
      ? { $and: clauses }
      : i % 3 === 1
        ? { $and: [clauses[0], clauses[1], { $or: [clauses[2], clauses[3]] }, clauses[4]] }
        : { $or: [{ $and: clauses.slice(0, 2) }, { $and: clauses.slice(2) }] };
  };
  const conditions = Array.from({ length: 1_000 }, (_, i) => conditionOf(i));
  const filters = conditions.map((c) => engine.toMongoFilter(c));
  const med = measure(
    {
      "ucast guard(filter) + 1 evaluation": (i) => guard(filters[i % 1_000])(contact),
      "engine.compile + 1 evaluation": (i) => engine.compileCondition(conditions[i % 1_000]).matches(contact),
    },
    1_000,
  );
  report(
    "\ncompile 1,000 distinct 5-clause conditions per round (median µs per compile, contactFields catalog)",
    med,
    "ucast guard(filter) + 1 evaluation",
  );
}

// 4. (issue 20) A new condition with fresh root field names every time, no catalog: five
// clauses (in, eq, gte, endsWith, $not eq), evaluated on 100 contacts that hold those fields
// (built beforehand for each condition, outside the timing), vs ucast. 100 evaluations run
// on segmatch's closures (code is generated after 1,000 calls).
{
  const plain = createSegmatch();
  const ROUND = 300;
  const ROUNDS = 9;
  const condition = (i) => ({
    $and: [
      { field: `r${i}a`, operator: "in", value: ["NG", "KE"] },
      { field: `r${i}b`, operator: "eq", value: `v${i % 10}` },
      { field: `r${i}c`, operator: "gte", value: i % 50 },
      { field: `r${i}d`, operator: "endsWith", value: "@gmail.com" },
      { $not: { field: `r${i}e`, operator: "eq", value: "x" } },
    ],
  });
  // The contacts of condition i: each clause passes for most, so every clause runs.
  const contactsOf = (i) =>
    Array.from({ length: 100 }, (_, j) => ({
      [`r${i}a`]: j % 5 === 0 ? "US" : "NG",
      [`r${i}b`]: `v${(i + (j % 3 === 0 ? 1 : 0)) % 10}`,
      [`r${i}c`]: (i % 50) + (j % 7) - 1,
      [`r${i}d`]: j % 4 === 0 ? "ada@yahoo.com" : "ada@gmail.com",
      [`r${i}e`]: j % 9 === 0 ? "x" : "y",
    }));
  // Every call of every round gets names no earlier call used.
  let next = 0;
  const pool = Array.from({ length: ROUNDS * ROUND * 2 }, (_, i) => {
    const c = condition(i);
    return { condition: c, filter: toMongoFilter(c), contacts: contactsOf(i) };
  });
  const med = measure(
    {
      "ucast guard + 100 evaluations": () => {
        const { filter, contacts } = pool[next++];
        const test = guard(filter);
        let n = 0;
        for (const c of contacts) if (test(c)) n++;
        return n;
      },
      "engine.compile + 100 evaluations": () => {
        const { condition: c, contacts } = pool[next++];
        const { matches } = plain.compileCondition(c);
        let n = 0;
        for (const d of contacts) if (matches(d)) n++;
        return n;
      },
    },
    ROUND,
    ROUNDS,
  );
  report(
    "\ncompile a condition on fresh root field names and evaluate it on 100 contacts holding them (median µs per condition)",
    med,
    "ucast guard + 100 evaluations",
  );
}
