// Many segments over many contacts, each workload against honest baselines in the same run
// (medians of interleaved rounds; read the ratios, not the absolute timings):
//  1. index.match with 10,000 distinct realistic segments (many shapes, names, values),
//     vs hand-written per-segment functions and vs segmatch's own per-segment predicates;
//  2. registering 100,000 distinct segments: time, and heap per segment;
//  3. countMembersMany, 100 segments over 1,000,000 contacts, vs one fused hand-written loop.
// "Hand-written" is what a careful engineer writes for one known segment: plain property
// reads, a Set for a list of values, `includes` for a topic; it does not apply MongoDB's
// rules for arrays in the middle of paths or other numeric types, which segmatch does.
// Run: npm run bench   (builds first; measures the shipped dist/; node --expose-gc)
import { compileCondition, createSegmatch } from "../dist/index.js";
import { rng, sampleContacts, TOPICS } from "../scripts/sample-contacts.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const now = () => Number(process.hrtime.bigint()) / 1e6;

const COUNTRIES = ["US", "GB", "CA", "DE", "FR", "NG", "KE", "IN", "BR", "AU", "NL", "ES", "GH", "ZA"];
const CITIES = ["Lagos", "Nairobi", "London", "Paris", "Berlin", "Toronto", "Austin", "Mumbai", "Accra", "Sydney"];
const STATUSES = ["SUBSCRIBED", "UNCONFIRMED", "UNSUBSCRIBED", "BOUNCED"];
const PLANS = ["free", "starter", "pro", "enterprise"];
const NAMES = ["Ada", "Chinedu", "Amara", "Liam", "Noah", "Emma", "Zara", "Kofi"];

/**
 * A realistic segment: 1–4 clauses from the kinds users write, with its hand-written
 * JavaScript. Each clause is [condition, source over `c`].
 */
function clause(r) {
  const pick = (list) => list[Math.floor(r() * list.length)];
  const some = (list, n) => [...new Set(Array.from({ length: n }, () => pick(list)))];
  const j = JSON.stringify;
  switch (Math.floor(r() * 12)) {
    case 0: {
      const v = pick(STATUSES);
      return [{ field: "status", operator: "eq", value: v }, `c.status === ${j(v)}`];
    }
    case 1: {
      const v = some(COUNTRIES, 1 + Math.floor(r() * 4));
      return [{ field: "country", operator: "in", value: v }, `new Set(${j(v)})`];
    }
    case 2: {
      const v = pick(CITIES);
      return [{ field: "city", operator: "ne", value: v }, `c.city !== ${j(v)}`];
    }
    case 3: {
      const v = 18 + Math.floor(r() * 40);
      return [{ field: "age", operator: "gte", value: v }, `(typeof c.age === "number" && c.age >= ${v})`];
    }
    case 4: {
      const v = Math.floor(r() * 400);
      return [
        { field: "properties.lifetime_value", operator: "gt", value: v },
        `(c.properties != null && c.properties.lifetime_value > ${v})`,
      ];
    }
    case 5: {
      const v = pick(PLANS);
      return [
        { field: "properties.plan", operator: "eq", value: v },
        `(c.properties != null && c.properties.plan === ${j(v)})`,
      ];
    }
    case 6: {
      const v = pick(TOPICS);
      return [{ subscribedToTopic: [v] }, `(Array.isArray(c.topics) && c.topics.includes(${j(v)}))`];
    }
    case 7: {
      const v = pick(["gmail", "yahoo", "acme", "kibamail", "proton"]);
      return [
        { field: "email", operator: "contains", value: v },
        `(typeof c.email === "string" && c.email.includes(${j(v)}))`,
      ];
    }
    case 8:
      return [{ field: "phone", operator: "exists", value: r() < 0.5 }, null];
    case 9: {
      const v = pick(NAMES).slice(0, 2);
      return [
        { field: "firstName", operator: "startsWith", value: v },
        `(typeof c.firstName === "string" && c.firstName.startsWith(${j(v)}))`,
      ];
    }
    case 10: {
      const v = Math.floor(r() * 10);
      return [
        { field: "properties.orders", operator: "lt", value: v },
        `(c.properties != null && c.properties.orders < ${v})`,
      ];
    }
    default: {
      const v = pick(TOPICS);
      return [{ notSubscribedToTopic: [v] }, `!(Array.isArray(c.topics) && c.topics.includes(${j(v)}))`];
    }
  }
}

/** The source of one clause, with Sets hoisted into `sets`. */
function clauseSource([condition, source], sets) {
  if (source === null) return condition.value ? "c.phone != null" : "c.phone == null";
  if (source.startsWith("new Set(")) {
    sets.push(new Set(JSON.parse(source.slice(8, -1))));
    return `s[${sets.length - 1}].has(c.country)`;
  }
  return source;
}

/** `count` distinct segments: conditions, and their hand-written sources over `c` (Sets in `sets`). */
function segments(count, seed, sets) {
  const r = rng(seed);
  const seen = new Set();
  const out = [];
  while (out.length < count) {
    const clauses = Array.from({ length: 1 + Math.floor(r() * 4) }, () => clause(r));
    const or = clauses.length > 1 && r() < 0.2;
    const condition = clauses.length === 1 ? clauses[0][0] : { [or ? "$or" : "$and"]: clauses.map((c) => c[0]) };
    const key = JSON.stringify(condition);
    if (seen.has(key)) continue;
    seen.add(key);
    const source = clauses.map((c) => clauseSource(c, sets)).join(or ? " || " : " && ");
    out.push({ condition, source });
  }
  return out;
}

// 1. index.match, 10,000 distinct segments.
{
  const sets = [];
  const SEGS = segments(10_000, 7, sets);
  const CONTACTS = [...sampleContacts(300, 3)];
  // Hand-written: one small function per segment, as a person writes each segment's check.
  // eslint-disable-next-line no-new-func -- the hand-written baselines are sources, one function per segment
  const hand = SEGS.map(({ source }) => new Function("s", `return (c) => ${source};`)(sets));
  const compiled = SEGS.map(({ condition }) => compileCondition(condition).matches);
  const index = createSegmatch().createSegmentIndex();
  SEGS.forEach(({ condition }, i) => index.set(`s${i}`, condition));
  const contenders = {
    "hand-written per-segment functions": () => {
      let n = 0;
      for (const c of CONTACTS) for (let i = 0; i < hand.length; i++) if (hand[i](c)) n++;
      return n;
    },
    "segmatch per-segment predicates": () => {
      let n = 0;
      for (const c of CONTACTS) for (let i = 0; i < compiled.length; i++) if (compiled[i](c)) n++;
      return n;
    },
    "index.match (shared leaves)": () => {
      let n = 0;
      for (const c of CONTACTS) n += index.match(c).length;
      return n;
    },
  };
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const results = {};
  for (let round = 0; round < 7; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const t = now();
      results[name] = fn();
      if (round >= 2) samples[name].push(((now() - t) * 1e6) / (CONTACTS.length * SEGS.length));
    }
  }
  if (new Set(Object.values(results)).size !== 1)
    throw new Error(`the contenders disagree: ${JSON.stringify(results)}`);
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const hw = med["hand-written per-segment functions"];
  console.log(
    `index.match: ${SEGS.length.toLocaleString("en-US")} distinct segments × ${CONTACTS.length.toLocaleString("en-US")} contacts (median ns per segment per contact, 5 rounds; ${results["index.match (shared leaves)"]} memberships, all equal)`,
  );
  console.table(
    Object.entries(med).map(([name, ns]) => ({
      contender: name,
      "ns/segment": fmt(ns),
      "vs hand-written": `${fmt(ns / hw)}x`,
    })),
  );
}

// 2. Registering 100,000 distinct segments.
{
  const SEGS = segments(100_000, 8, []);
  const gc = globalThis.gc;
  const rows = [];
  for (let round = 0; round < 3; round++) {
    gc?.();
    const before = process.memoryUsage().heapUsed;
    const t = now();
    const index = createSegmatch().createSegmentIndex();
    SEGS.forEach(({ condition }, i) => index.set(`s${i}`, condition));
    const ms = now() - t;
    const first = now();
    index.match({ status: "SUBSCRIBED", country: "NG", topics: ["events"] });
    const firstMatch = now() - first;
    gc?.();
    const bytes = (process.memoryUsage().heapUsed - before) / SEGS.length;
    rows.push({ ms, bytes, firstMatch, size: index.size });
  }
  const m = (k) => median(rows.map((r) => r[k]));
  console.log(
    `\nregistering ${SEGS.length.toLocaleString("en-US")} distinct segments in one index (median of 3${globalThis.gc ? "" : "; run with --expose-gc for the heap figure"})`,
  );
  console.table([
    {
      "register ms": fmt(m("ms")),
      "heap bytes/segment": globalThis.gc ? fmt(m("bytes")) : "n/a",
      "first match ms": fmt(m("firstMatch")),
      goal: "≤ 2,000 ms, ≤ 2,048 B",
    },
  ]);
}

// 2b. (issue 20) Registering 100,000 distinct 5-leaf segments over 200 custom fields
// (properties.cf0…cf199) and 20 topics: flat $and, or an $or with a nested $and and $not.
{
  const r = rng(42);
  const pick = (n) => Math.floor(r() * n);
  const OPS = ["eq", "ne", "gt", "gte", "lt", "lte", "in", "nin", "contains", "startsWith", "exists"];
  const leaf = () => {
    if (r() < 0.2) {
      const topic = [`topic${pick(20)}`];
      return pick(2) ? { subscribedToTopic: topic } : { notSubscribedToTopic: topic };
    }
    const operator = OPS[pick(OPS.length)];
    const value =
      operator === "in" || operator === "nin"
        ? [`v${pick(50)}`, `v${pick(50)}`]
        : operator === "exists"
          ? r() < 0.5
          : ["gt", "gte", "lt", "lte"].includes(operator)
            ? pick(1_000)
            : operator === "contains" || operator === "startsWith"
              ? `s${pick(100)}`
              : `v${pick(50)}`;
    return { field: `properties.cf${pick(200)}`, operator, value };
  };
  const five = Array.from({ length: 100_000 }, () =>
    r() < 0.5
      ? { $and: Array.from({ length: 5 }, leaf) }
      : { $or: [leaf(), { $and: [leaf(), leaf(), { $not: leaf() }] }, leaf()] },
  );
  const times = [];
  for (let round = 0; round < 3; round++) {
    globalThis.gc?.();
    const t = now();
    const index = createSegmatch().createSegmentIndex();
    five.forEach((condition, i) => index.set(`s${i}`, condition));
    times.push(now() - t);
  }
  console.log("\nregistering 100,000 distinct 5-leaf segments over 200 custom fields and 20 topics (median of 3)");
  console.table([{ "register ms": fmt(median(times)), goal: "≤ 2,000 ms" }]);
}

// 3. countMembersMany: 100 segments over 1,000,000 contacts, vs one fused hand-written loop.
{
  const sets = [];
  const SEGS = segments(100, 9, sets);
  const CONTACTS = [...sampleContacts(1_000_000, 12)];
  // eslint-disable-next-line no-new-func -- the fused baseline is one loop with every segment inline
  const fused = new Function(
    "s",
    `return (contacts) => { const n = new Array(${SEGS.length}).fill(0); for (let i = 0; i < contacts.length; i++) { const c = contacts[i];\n${SEGS.map(({ source }, k) => `if (${source}) n[${k}]++;`).join("\n")}\n} return n; };`,
  )(sets);
  const engine = createSegmatch();
  const bySeg = Object.fromEntries(SEGS.map(({ condition }, i) => [`s${i}`, condition]));
  const contenders = {
    "one fused hand-written loop": () => fused(CONTACTS),
    countMembersMany: () => Object.values(engine.countMembersMany(bySeg, CONTACTS)),
  };
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const results = {};
  for (let round = 0; round < 5; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const t = now();
      results[name] = JSON.stringify(fn());
      if (round >= 2) samples[name].push(now() - t);
    }
  }
  if (results["one fused hand-written loop"] !== results.countMembersMany)
    throw new Error("countMembersMany disagrees with the hand-written loop");
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const hw = med["one fused hand-written loop"];
  console.log(
    `\ncountMembersMany: ${SEGS.length} segments over ${CONTACTS.length.toLocaleString("en-US")} contacts (median ms of 3 rounds; counts equal)`,
  );
  console.table(
    Object.entries(med).map(([name, ms]) => ({
      contender: name,
      "median ms": fmt(ms),
      "vs hand-written": `${fmt(ms / hw)}x`,
    })),
  );
}
