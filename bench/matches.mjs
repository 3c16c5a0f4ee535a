// `matches` against mingo, sift and a hand-written function for the same condition, on the
// same documents, in one run. Rounds interleave the contenders so that a noisy machine
// slows them alike; we report medians and ratios, never a single timing.
// Run: npm run bench   (builds first; measures the shipped dist/)
import { Query } from "mingo";
import sift from "sift";
import { compileCondition } from "../dist/index.js";
import { sampleContacts } from "../scripts/sample-contacts.mjs";

const DOCS = [...sampleContacts(20_000, 7)];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);

/** The same contacts with topics stored as records ({ topicId, status }), for the records layout. */
const RECORD_DOCS = DOCS.map((d) => ({
  ...d,
  topics: [
    ...d.topics.map((topicId) => ({ topicId, status: "SUBSCRIBED" })),
    { topicId: "promotions", status: "UNSUBSCRIBED" },
  ],
}));

const CASES = [
  {
    name: "five-clause mix",
    condition: {
      $and: [
        { field: "country", operator: "in", value: ["US", "CA", "GB"] },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
        { field: "age", operator: "gte", value: 18 },
        { field: "email", operator: "endsWith", value: "@gmail.com" },
        { $not: { field: "city", operator: "eq", value: "Paris" } },
      ],
    },
    hand: (() => {
      const countries = new Set(["US", "CA", "GB"]);
      return (d) =>
        countries.has(d.country) &&
        d.status === "SUBSCRIBED" &&
        typeof d.age === "number" &&
        d.age >= 18 &&
        typeof d.email === "string" &&
        d.email.endsWith("@gmail.com") &&
        d.city !== "Paris";
    })(),
  },
  {
    name: "a single eq",
    condition: { field: "status", operator: "eq", value: "SUBSCRIBED" },
    hand: (d) => d.status === "SUBSCRIBED",
  },
  {
    name: "topic-and-status",
    condition: {
      $and: [
        { subscribedToTopic: ["product-news", "changelog"], notSubscribedToTopic: ["partners"] },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
      ],
    },
    hand: (d) => {
      const t = d.topics;
      return (
        Array.isArray(t) &&
        (t.includes("product-news") || t.includes("changelog")) &&
        !t.includes("partners") &&
        d.status === "SUBSCRIBED"
      );
    },
  },
  {
    name: "dotted nested paths",
    condition: {
      $and: [
        { field: "properties.plan", operator: "in", value: ["pro", "enterprise"] },
        { field: "properties.lifetime_value", operator: "gte", value: 100 },
        { field: "properties.orders", operator: "gt", value: 2 },
      ],
    },
    hand: (() => {
      const plans = new Set(["pro", "enterprise"]);
      return (d) => {
        const p = d.properties;
        return (
          p !== undefined &&
          p !== null &&
          plans.has(p.plan) &&
          typeof p.lifetime_value === "number" &&
          p.lifetime_value >= 100 &&
          typeof p.orders === "number" &&
          p.orders > 2
        );
      };
    })(),
  },
  {
    name: "records topic layout",
    options: { topics: { layout: "records" } },
    docs: RECORD_DOCS,
    condition: {
      $and: [
        { subscribedToTopic: ["product-news", "events"] },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
      ],
    },
    hand: (d) => {
      const t = d.topics;
      if (d.status !== "SUBSCRIBED" || !Array.isArray(t)) return false;
      for (const r of t)
        if (
          r !== null &&
          typeof r === "object" &&
          (r.topicId === "product-news" || r.topicId === "events") &&
          r.status === "SUBSCRIBED"
        )
          return true;
      return false;
    },
  },
  {
    // Issue 20's records row: subscribed to one topic and not to another, against one pass over the records.
    name: "records: subscribed + not",
    options: { topics: { layout: "records" } },
    docs: RECORD_DOCS,
    condition: { subscribedToTopic: ["product-news"], notSubscribedToTopic: ["partners"] },
    hand: (d) => {
      const t = d.topics;
      if (!Array.isArray(t)) return false;
      let subscribed = false;
      for (const r of t)
        if (r !== null && typeof r === "object" && r.status === "SUBSCRIBED") {
          if (r.topicId === "partners") return false;
          if (r.topicId === "product-news") subscribed = true;
        }
      return subscribed;
    },
  },
  {
    name: "wide $or of 20 clauses",
    condition: {
      $or: [
        ...["NG", "KE", "GH", "ZA", "IN", "BR", "AU", "NL"].map((value) => ({
          field: "country",
          operator: "eq",
          value,
        })),
        ...["Lagos", "Nairobi", "Accra", "Mumbai"].map((value) => ({ field: "city", operator: "eq", value })),
        { field: "properties.plan", operator: "eq", value: "enterprise" },
        { field: "properties.lifetime_value", operator: "gt", value: 450 },
        { field: "tags", operator: "in", value: ["vip"] },
        { field: "email", operator: "contains", value: "kibamail" },
        { field: "age", operator: "lt", value: 18 },
        { field: "firstName", operator: "startsWith", value: "Wan" },
        { field: "phone", operator: "startsWith", value: "+234" },
        { field: "status", operator: "eq", value: "COMPLAINED" },
      ],
    },
    hand: (d) => {
      const c = d.country;
      const city = d.city;
      const p = d.properties;
      return (
        c === "NG" ||
        c === "KE" ||
        c === "GH" ||
        c === "ZA" ||
        c === "IN" ||
        c === "BR" ||
        c === "AU" ||
        c === "NL" ||
        city === "Lagos" ||
        city === "Nairobi" ||
        city === "Accra" ||
        city === "Mumbai" ||
        (p !== undefined &&
          (p.plan === "enterprise" || (typeof p.lifetime_value === "number" && p.lifetime_value > 450))) ||
        (Array.isArray(d.tags) && d.tags.includes("vip")) ||
        (typeof d.email === "string" && d.email.includes("kibamail")) ||
        (typeof d.age === "number" && d.age < 18) ||
        (typeof d.firstName === "string" && d.firstName.startsWith("Wan")) ||
        (typeof d.phone === "string" && d.phone.startsWith("+234")) ||
        d.status === "COMPLAINED"
      );
    },
  },
];

// Each contender gets its own copy of the timing loop, so that no call site is shared
// (a shared one turns megamorphic and slows whoever runs last, hand-written code most).
const LOOP = `let n = 0; for (let i = 0; i < docs.length; i++) if (fn(docs[i])) n++; return n;`;
function timer(fn, docs) {
  // eslint-disable-next-line no-new-func -- a fresh loop per contender, see above
  const loop = new Function("fn", "docs", LOOP);
  return () => {
    const start = process.hrtime.bigint();
    const n = loop(fn, docs);
    return { ns: Number(process.hrtime.bigint() - start) / docs.length, n };
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => x.toFixed(x < 10 ? 2 : 1);

console.log(
  `matches(): ${DOCS.length} contacts, ${ROUNDS} interleaved rounds, median ns per document (lower is better)\n`,
);
const rows = [];
for (const c of CASES) {
  const compiled = compileCondition(c.condition, c.options);
  const query = new Query(compiled.filter);
  const siftTest = sift(compiled.filter);
  const contenders = {
    "hand-written": c.hand,
    segmatch: compiled.matches,
    sift: siftTest,
    mingo: (d) => query.test(d),
  };
  const timers = Object.fromEntries(Object.entries(contenders).map(([k, fn]) => [k, timer(fn, c.docs ?? DOCS)]));
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const counts = {};
  for (let round = 0; round < ROUNDS + 2; round++) {
    for (const [name, time] of Object.entries(timers)) {
      const { ns, n } = time();
      counts[name] = n;
      if (round >= 2) samples[name].push(ns); // two warm-up rounds
    }
  }
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  rows.push({
    condition: c.name,
    matched: counts.segmatch,
    "hand ns": fmt(med["hand-written"]),
    "segmatch ns": fmt(med.segmatch),
    "sift ns": fmt(med.sift),
    "mingo ns": fmt(med.mingo),
    "segmatch / hand": `${fmt(med.segmatch / med["hand-written"])}x`,
    "mingo / segmatch": `${fmt(med.mingo / med.segmatch)}x`,
    "sift / segmatch": `${fmt(med.sift / med.segmatch)}x`,
  });
  const disagree = Object.entries(counts).filter(([, n]) => n !== counts.segmatch);
  if (disagree.length > 0) console.log(`note: ${c.name}: match counts differ: ${JSON.stringify(counts)}`);
}
console.table(rows);
