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
