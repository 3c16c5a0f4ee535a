// Relative dates under a moving clock, in one run, interleaved, medians and ratios:
// - a relative condition ("signed up in the last 30 days and active") against the same
//   condition with the instant written out (absolute), and a hand-written function, with the
//   clock moving one millisecond per call (goal: relative at most 1.2x absolute);
// - compiled.nextChange against compiled.matches on the same contacts (goal: at most 2x);
// - index.nextChange against index.match over 10,000 distinct segments, a tenth of them
//   relative (goal: at most 1x).
// Run: npm run bench   (builds first; measures the shipped dist/)
import { compileCondition, contactFields, createSegmatch, defineFields } from "../dist/index.js";
import { sampleContacts } from "../scripts/sample-contacts.mjs";

const DOCS = [...sampleContacts(20_000, 11)];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const START = Date.UTC(2024, 11, 1, 12);
const DAY = 86_400_000;

/** The i-th contact's signup instant, spread evenly over the `days` before START (a stride through a prime, so neighbours differ). */
const signedUp = (i, days) => new Date(START - Math.floor((((i * 7919) % 10_007) / 10_007) * days * DAY));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x) => x.toFixed(x < 10 ? 2 : 1);

/** Interleaved rounds of every contender over `docs`; median ns per document, and the results of the last round. */
function race(contenders, docs, rounds = ROUNDS) {
  const loops = Object.fromEntries(
    Object.keys(contenders).map((k) => [
      k,
      // A fresh loop per contender, so that no call site is shared (it would turn megamorphic).
      // eslint-disable-next-line no-new-func
      new Function("fn", "docs", "let n = 0; for (let i = 0; i < docs.length; i++) if (fn(docs[i])) n++; return n;"),
    ]),
  );
  const samples = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  const results = {};
  for (let round = 0; round < rounds + 2; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      const start = process.hrtime.bigint();
      results[name] = loops[name](fn, docs);
      const ns = Number(process.hrtime.bigint() - start) / docs.length;
      if (round >= 2) samples[name].push(ns);
    }
  }
  return { ns: Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])), results };
}

// 1. A relative condition under a moving clock, against the absolute one at a fixed instant.
{
  let now = START;
  const clock = () => now++;
  const relative = compileCondition(
    {
      $and: [
        { field: "createdAt", operator: "gte", value: "now-30d" },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
      ],
    },
    { fields: contactFields, now: clock },
  );
  const since = new Date(START - 30 * DAY);
  const absolute = compileCondition(
    {
      $and: [
        { field: "createdAt", operator: "gte", value: since.toISOString() },
        { field: "status", operator: "eq", value: "SUBSCRIBED" },
      ],
    },
    { fields: contactFields },
  );
  const t = since.getTime();
  const hand = (d) => d.createdAt instanceof Date && d.createdAt.getTime() >= t && d.status === "SUBSCRIBED";
  // The absolute condition with the same clock read per call: what the clock itself costs (a
  // closure over a number past 2^31 allocates one per tick), which no evaluator can avoid.
  let other = START;
  const otherClock = () => other++;
  const read = absolute.matches;
  const absoluteRead = (d) => otherClock() > 0 && read(d);
  // Contacts near the window's edge, so that the answers are not all false.
  const docs = DOCS.map((d, i) => ({ ...d, createdAt: signedUp(i, 60) }));
  const { ns, results } = race(
    {
      "hand-written": hand,
      absolute: absolute.matches,
      "absolute + clock read": absoluteRead,
      relative: relative.matches,
    },
    docs,
  );
  console.log(
    `a relative condition under a moving clock (1 ms per call), ${docs.length} contacts, median ns per contact`,
  );
  console.table(
    Object.entries(ns).map(([contender, x]) => ({
      contender,
      ns: fmt(x),
      "vs absolute": `${(x / ns.absolute).toFixed(2)}x`,
      members: results[contender],
    })),
  );
  console.log(
    `relative vs absolute: ${(ns.relative / ns.absolute).toFixed(2)}x; vs absolute + the same clock read: ${(ns.relative / ns["absolute + clock read"]).toFixed(2)}x (goal: at most 1.2x)\n`,
  );

  // 2. nextChange against matches, at one instant.
  const at = START;
  // By hand, for this one condition: a subscribed contact inside the window leaves it 30 days and 1 ms after signing up.
  const handNext = (d) => {
    const c = d.createdAt;
    return d.status === "SUBSCRIBED" && c instanceof Date && c.getTime() >= at - 30 * DAY
      ? new Date(c.getTime() + 30 * DAY + 1)
      : null;
  };
  const next = race(
    {
      matches: (d) => relative.matchesAt(d, at),
      "nextChange by hand": (d) => handNext(d) !== null,
      nextChange: (d) => relative.nextChange(d, at) !== null,
    },
    docs,
  );
  if (next.results.nextChange !== next.results["nextChange by hand"])
    throw new Error(`nextChange disagrees with the hand-written one: ${JSON.stringify(next.results)}`);
  console.log(`compiled.nextChange against compiled.matchesAt, ${docs.length} contacts, median ns per contact`);
  console.table(
    Object.entries(next.ns).map(([contender, x]) => ({
      contender,
      ns: fmt(x),
      "vs matches": `${(x / next.ns.matches).toFixed(2)}x`,
    })),
  );
  console.log(
    `nextChange vs matches: ${(next.ns.nextChange / next.ns.matches).toFixed(2)}x (goal: at most 2x); vs by hand: ${(next.ns.nextChange / next.ns["nextChange by hand"]).toFixed(2)}x\n`,
  );
}

// 3. index.nextChange against index.match: 10,000 distinct segments, one in ten relative.
{
  const fields = defineFields(contactFields, { age: { type: "number" } });
  const engine = createSegmatch({ fields, now: START });
  const index = engine.createSegmentIndex();
  const COUNTRIES = ["US", "CA", "GB", "NG", "KE", "IN", "DE", "FR", "BR", "JP"];
  for (let i = 0; i < 10_000; i++) {
    const country = COUNTRIES[i % COUNTRIES.length];
    index.set(
      `s${i}`,
      i % 10 === 0
        ? {
            $and: [
              { field: "country", operator: "eq", value: country },
              { field: "createdAt", operator: "gte", value: `now-${1 + (i % 90)}d` },
            ],
          }
        : {
            $and: [
              { field: "country", operator: "eq", value: country },
              { field: "age", operator: "gte", value: 18 + (i % 50) },
            ],
          },
    );
  }
  const docs = DOCS.slice(0, 2_000).map((d, i) => ({ ...d, createdAt: signedUp(i, 120) }));
  const { ns } = race(
    {
      "index.match": (d) => index.match(d).length > 0,
      "index.nextChange": (d) => index.nextChange(d, START) !== null,
    },
    docs,
    5,
  );
  console.log(
    `index.nextChange against index.match, 10,000 segments (1,000 relative), ${docs.length} contacts, median µs per contact`,
  );
  console.table(
    Object.entries(ns).map(([contender, x]) => ({
      contender,
      µs: fmt(x / 1000),
      "vs match": `${(x / ns["index.match"]).toFixed(2)}x`,
    })),
  );
  console.log(
    `index.nextChange vs index.match: ${(ns["index.nextChange"] / ns["index.match"]).toFixed(2)}x (goal: at most 1x)`,
  );
}
