// Segment benchmarks, each against the naive approach in the same run (medians of
// interleaved rounds; ratios, not absolute timings, are what to read):
//  1. countMembers over 1,000,000 in-memory contacts vs a hand-written counting loop;
//  2. index.changes with 10,000 and 100,000 segments, one field of a contact changed, 1% of
//     the segments reading it, vs re-evaluating all segments with segmatch's fastest way.
// Run: npm run bench   (builds first; measures the shipped dist/)
import { compileCondition, countMembers, createSegmentIndex } from "../dist/index.js";
import { rng, sampleContacts } from "../scripts/sample-contacts.mjs";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(2));
const time = (fn) => {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
};

// 1. Counting.
{
  const CONTACTS = [...sampleContacts(1_000_000, 11)];
  const condition = {
    $and: [
      { field: "status", operator: "eq", value: "SUBSCRIBED" },
      { field: "country", operator: "in", value: ["US", "GB", "CA"] },
    ],
  };
  const compiled = compileCondition(condition);
  const countries = new Set(["US", "GB", "CA"]);
  const contenders = {
    // What a person would write for this segment.
    "hand-written loop": () => {
      let n = 0;
      for (let i = 0; i < CONTACTS.length; i++) {
        const c = CONTACTS[i];
        if (c.status === "SUBSCRIBED" && countries.has(c.country)) n++;
      }
      return n;
    },
    // The same loop around the compiled predicate: isolates countMembers' own overhead.
    "loop + matches": () => {
      let n = 0;
      for (let i = 0; i < CONTACTS.length; i++) if (compiled.matches(CONTACTS[i])) n++;
      return n;
    },
    countMembers: () => countMembers(compiled, CONTACTS),
  };
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const counts = {};
  for (let round = 0; round < 12; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const { ms, result } = time(fn);
      counts[name] = result;
      if (round >= 2) samples[name].push(ms);
    }
  }
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  console.log(
    `countMembers over ${CONTACTS.length.toLocaleString("en-US")} contacts (median ms of 10 rounds; counts ${JSON.stringify(counts)})`,
  );
  console.table(
    Object.entries(med).map(([name, ms]) => ({
      contender: name,
      "median ms": fmt(ms),
      "vs hand-written": `${fmt(ms / med["hand-written loop"])}x`,
    })),
  );
}

// 2. Incremental re-evaluation, at 10,000 and 100,000 segments, against re-evaluating every
// segment twice with the faster of segmatch's two ways: each segment's compiled predicate
// (hot: generated code), or index.match, which shares leaves across segments.
function changes(SEGMENTS, updatesCount, rounds) {
  const FIELDS = Array.from({ length: 200 }, (_, i) => `f${i}`);
  const r = rng(5);
  const pick = (list) => list[Math.floor(r() * list.length)];
  const conditions = [];
  for (let i = 0; i < SEGMENTS; i++) {
    if (i % 100 === 0) {
      // 1% read the field that will change.
      conditions.push({
        $and: [
          { field: "score", operator: "gte", value: Math.floor(r() * 100) },
          { field: pick(FIELDS), operator: "exists", value: true },
        ],
      });
    } else {
      conditions.push({
        $or: [
          { field: pick(FIELDS), operator: "eq", value: Math.floor(r() * 10) },
          {
            $and: [
              { field: pick(FIELDS), operator: "gt", value: Math.floor(r() * 10) },
              { subscribedToTopic: [`t${Math.floor(r() * 20)}`] },
            ],
          },
        ],
      });
    }
  }
  const index = createSegmentIndex();
  conditions.forEach((c, i) => index.set(`seg_${i}`, c));
  const compiled = conditions.map((c) => compileCondition(c));
  const updates = Array.from({ length: updatesCount }, () => {
    const before = Object.fromEntries(FIELDS.map((f) => [f, Math.floor(r() * 10)]));
    before.score = Math.floor(r() * 100);
    before.topics = [`t${Math.floor(r() * 20)}`, `t${Math.floor(r() * 20)}`];
    return [before, { ...before, score: Math.floor(r() * 100) }];
  });
  const perSegment = (before, after) => {
    const entered = [];
    const left = [];
    for (let i = 0; i < compiled.length; i++) {
      const was = compiled[i].matches(before);
      const is = compiled[i].matches(after);
      if (was !== is) (is ? entered : left).push(`seg_${i}`);
    }
    return { entered, left };
  };
  const byMatch = (before, after) => {
    const was = new Set(index.match(before));
    const is = index.match(after);
    const isSet = new Set(is);
    return { entered: is.filter((id) => !was.has(id)), left: [...was].filter((id) => !isSet.has(id)) };
  };
  const canonical = (results) =>
    JSON.stringify(results.map(({ entered, left }) => ({ entered: [...entered].sort(), left: [...left].sort() })));
  const contenders = {
    "re-evaluate: each segment's predicate": perSegment,
    "re-evaluate: index.match twice": byMatch,
    "index.changes": (b, a) => index.changes(b, a),
  };
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  let reference;
  for (let round = 0; round < rounds + 2; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const x = time(() => updates.map(([b, a]) => fn(b, a)));
      const got = canonical(x.result);
      reference ??= got;
      if (got !== reference) throw new Error(`${name} disagrees with the others`);
      if (round >= 2) samples[name].push(x.ms / updates.length);
    }
  }
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const fastest = Math.min(med["re-evaluate: each segment's predicate"], med["re-evaluate: index.match twice"]);
  console.log(
    `\nindex.changes: ${SEGMENTS.toLocaleString("en-US")} segments, one field changed, 1% of segments read it (median ms per contact update, ${rounds} rounds of ${updates.length} updates; results checked equal)`,
  );
  console.table(
    Object.entries(med).map(([name, ms]) => ({
      contender: name,
      "median ms": fmt(ms),
      "speedup of index.changes": `${fmt(ms / med["index.changes"])}x`,
    })),
  );
  console.log(
    `index.changes vs the fastest re-evaluation: ${fmt(fastest / med["index.changes"])}x (goal: at least 50x)`,
  );
}
if (!process.env.ONLY100K) changes(10_000, 50, 10);
changes(100_000, 10, 5);
