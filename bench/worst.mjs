// The worst inputs inside the default limits (many leaves on distinct long paths, in lists of
// long strings, the deepest nesting): each must compile and evaluate for the first time in
// under 50 ms and 64 MB, and so must its index entry and first match, its MongoDB filter and
// its change filters; no later call may take that long either (the call that generates code
// included). A bulk count over 300 contacts is bounded by 50 ms plus 1.5 ms per contact: its
// cost is the evaluation itself. Fails loudly (exit code 1) when a step is over its bound.
// Times are medians of 5 fresh runs; memory is the heap growth during the work and what the
// compiled condition keeps (process.memoryUsage().heapUsed, after a GC).
// Run: node --expose-gc bench/worst.mjs   (part of npm run bench)
import {
  compileCondition,
  countMembersMany,
  createSegmentIndex,
  DEFAULT_LIMITS,
  membershipChangeFilters,
  toMongoFilter,
} from "../dist/index.js";

const TIME_MS = 50;
const HEAP_MB = 64;
const gc = globalThis.gc ?? (() => {});
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => Number(process.hrtime.bigint()) / 1e6;

const longest = (n) => Array.from({ length: n }, (_, i) => (i % 2 ? "b" : "a")).join(".");
const PATH = longest(Math.floor((DEFAULT_LIMITS.maxStringLength + 1) / 2)); // 2,048 segments, 4,095 characters
const nested = (depth, leaf) => {
  let doc = leaf;
  for (let i = depth - 1; i >= 0; i--) doc = { [i % 2 ? "b" : "a"]: doc };
  return doc;
};
const deepDoc = nested(2_048, 7);
const arrayDoc = nested(2_048, [1, 2, 3]);
const leaves = (n, make) => ({ $and: Array.from({ length: n }, (_, i) => make(i)) });
const LIST = Math.min(DEFAULT_LIMITS.maxListLength, DEFAULT_LIMITS.maxNodes - 5); // the condition object, its 3 keys and the list itself count too
const maxLeaves = Math.floor((DEFAULT_LIMITS.maxNodes - 2) / 4); // each field condition is 4 JSON values
// As many leaves (at most 250) as maxTotalLength allows, each with `characters` of strings and keys.
const fit = (characters) => Math.min(250, Math.floor((DEFAULT_LIMITS.maxTotalLength - 64) / (characters + 24)));
const ON_PATH = fit(PATH.length);
const CONTAINS = fit(PATH.length + DEFAULT_LIMITS.maxStringLength);
// Distinct paths as long as maxPathSegments allows: n paths of `segments` segments each, every one different.
const distinctPaths = (segments) => {
  const n = Math.min(maxLeaves, Math.floor(DEFAULT_LIMITS.maxPathSegments / segments));
  const stem = longest(segments - 1);
  return Array.from({ length: n }, (_, i) => `${stem}.${i}`);
};
// Strings as long and as many as maxTotalLength allows in one in list (its keys and field name count too).
const longStrings = (length) =>
  Array.from({ length: Math.min(LIST, Math.floor((DEFAULT_LIMITS.maxTotalLength - 64) / length)) }, (_, i) =>
    `${i}`.padEnd(length, "x"),
  );

const CASES = [
  {
    name: `${ON_PATH} leaves on a 2,048-segment path`,
    condition: leaves(ON_PATH, () => ({ field: PATH, operator: "eq", value: 7 })),
    docs: [deepDoc, arrayDoc, {}],
  },
  {
    name: `${ON_PATH} mixed leaves on a 2,048-segment path`,
    condition: {
      $or: Array.from({ length: ON_PATH }, (_, i) => ({
        field: PATH,
        operator: ["gt", "ne", "in", "exists", "contains"][i % 5],
        value: [i, i, [i, `${i}`], i % 2 === 0, `${i}`][i % 5],
      })),
    },
    docs: [deepDoc, arrayDoc, {}],
  },
  {
    name: `${maxLeaves} leaves on distinct fields`,
    condition: leaves(maxLeaves, (i) => ({ field: `f${i}.g${i % 7}`, operator: "ne", value: i })),
    docs: [{ f1: { g1: 1 } }, {}],
  },
  {
    name: `${distinctPaths(10).length} eq leaves on distinct 10-segment paths`,
    condition: { $or: distinctPaths(10).map((field, i) => ({ field, operator: "eq", value: i })) },
    docs: [nested(10, 7), {}],
  },
  {
    name: `${distinctPaths(2_048).length} eq leaves on distinct 2,048-segment paths`,
    condition: { $or: distinctPaths(2_048).map((field, i) => ({ field, operator: "eq", value: i })) },
    docs: [deepDoc, {}],
  },
  {
    // Each array's "0" selects its element and reads through it: two ways down that meet again.
    name: "a 100-segment numeric path on 100 levels of one-element arrays",
    condition: { field: Array.from({ length: 100 }, () => "0").join("."), operator: "eq", value: 8 },
    docs: [
      (() => {
        let doc = 7;
        for (let i = 0; i < 50; i++) doc = { 0: [doc] };
        return doc;
      })(),
      {},
    ],
  },
  {
    name: `an in list of ${longStrings(4_096).length} strings of 4,096 characters`,
    condition: { field: "a", operator: "in", value: longStrings(4_096) },
    docs: [{ a: longStrings(4_096).at(-1) }, { a: 5 }],
  },
  {
    name: `an in list of ${longStrings(100).length} strings of 100 characters`,
    condition: { field: "a", operator: "in", value: longStrings(100) },
    docs: [{ a: longStrings(100).at(-1) }, { a: 5 }],
  },
  {
    name: `an in list of ${LIST} strings`,
    condition: { field: "a", operator: "in", value: Array.from({ length: LIST }, (_, i) => `v${i}`) },
    docs: [{ a: `v${LIST - 1}` }, { a: 5 }],
  },
  {
    name: `depth ${DEFAULT_LIMITS.maxDepth}, alternating $and/$or/$not`,
    condition: (() => {
      let c = { field: PATH, operator: "ne", value: 1 };
      for (let d = DEFAULT_LIMITS.maxDepth - 1; d >= 1; d--)
        c =
          d % 3 === 0
            ? { $not: c }
            : d % 3 === 1
              ? { $and: [c, { field: "x", operator: "exists", value: false }] }
              : { $or: [c, { subscribedToTopic: ["t"] }] };
      return c;
    })(),
    docs: [deepDoc, {}],
  },
  {
    name: `${CONTAINS} longest contains on a long path`,
    condition: leaves(CONTAINS, (i) => ({
      field: PATH,
      operator: "contains",
      value: `${i}`.padEnd(DEFAULT_LIMITS.maxStringLength, "x"),
    })),
    docs: [nested(2_048, "y"), {}],
  },
];

function heapMB() {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
}

// The steps measured for each input, and the bound each must stay under (ms). A bulk count
// evaluates every contact: a compile, then per contact at most maxPathSegments steps down the
// document and a test per value reached (1.5 ms per contact bounds it).
const BULK = 300;
const PER_CONTACT_MS = 1.5;
const STEPS = {
  "compile + first evaluation": TIME_MS,
  "slowest of 1,200 calls": TIME_MS,
  "index.set + first match": TIME_MS,
  toMongoFilter: TIME_MS,
  membershipChangeFilters: TIME_MS,
  [`countMembersMany of ${BULK}`]: TIME_MS + BULK * PER_CONTACT_MS,
};
const OTHER = { field: "zz", operator: "eq", value: 1 };

let failed = 0;
const rows = [];
for (const { name, condition, docs } of CASES) {
  const times = Object.fromEntries(Object.keys(STEPS).map((k) => [k, []]));
  let kept = 0;
  let peak = 0;
  const step = (key, work) => {
    const t = now();
    const out = work();
    times[key].push(now() - t);
    return out;
  };
  const contacts = Array.from({ length: BULK }, (_, i) => docs[i % docs.length]);
  for (let run = 0; run < 5; run++) {
    const before = heapMB();
    const compiled = step("compile + first evaluation", () => {
      const c = compileCondition(condition);
      for (const d of docs) c.matches(d);
      return c;
    });
    // The calls that make it hot: code is generated on the way. The slowest one counts.
    let slowest = 0;
    for (let i = 0; i < 1_200; i++) {
      const t = now();
      compiled.matches(docs[i % docs.length]);
      slowest = Math.max(slowest, now() - t);
    }
    times["slowest of 1,200 calls"].push(slowest);
    const during = process.memoryUsage().heapUsed / 2 ** 20;
    const index = step("index.set + first match", () => {
      const index = createSegmentIndex();
      index.set("s", condition);
      index.match(docs[0]);
      return index;
    });
    step("toMongoFilter", () => toMongoFilter(condition));
    step("membershipChangeFilters", () => membershipChangeFilters(OTHER, condition));
    step(`countMembersMany of ${BULK}`, () => countMembersMany({ s: condition }, contacts));
    peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20 - before, during - before);
    kept = Math.max(kept, heapMB() - before);
    if (compiled.matches(docs[0]) !== compiled.matches(docs[0])) throw new Error("unstable answer");
    if (index.match(docs[0]).includes("s") !== compiled.matches(docs[0]))
      throw new Error("index and predicate disagree");
  }
  const row = { input: name };
  const over = [];
  for (const [key, bound] of Object.entries(STEPS)) {
    row[`${key} (ms)`] = median(times[key]);
    if (median(times[key]) > bound) over.push(`${key} (${median(times[key]).toFixed(1)} ms > ${bound})`);
  }
  row["kept (MB)"] = kept;
  row["peak (MB)"] = peak;
  if (peak > HEAP_MB) over.push(`peak heap (${peak.toFixed(1)} MB > ${HEAP_MB})`);
  if (over.length > 0) {
    failed++;
    console.error(`FAILED: ${name}: over its bound in ${over.join(", ")}`);
  }
  rows.push(
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "number" ? v.toFixed(v < 1 ? 3 : 1) : v])),
  );
}
console.log(
  `worst inputs inside the default limits (bounds: ${Object.entries(STEPS)
    .map(([k, v]) => `${k} ${v} ms`)
    .join(", ")}; peak heap ${HEAP_MB} MB; medians of 5 runs)`,
);
console.table(rows);
if (failed > 0) {
  console.error(`${failed} input(s) over the bound`);
  process.exit(1);
}
