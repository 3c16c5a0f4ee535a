// The worst inputs inside the default limits: each must compile and evaluate for the first
// time in under 50 ms and 64 MB; no later call may take that long either (the call that
// generates code included). Fails loudly (exit code 1) when one does not. A bulk count over
// 300 contacts (whose counter is generated code too) is shown per contact, unbounded: on
// documents 2,048 levels deep, or with 2,499 leaves, its cost is the evaluation itself. Times are medians of 5 fresh
// runs; memory is the heap growth during the work and what the compiled condition keeps
// (process.memoryUsage().heapUsed, after a GC).
// Run: node --expose-gc bench/worst.mjs   (part of npm run bench)
import { compileCondition, countMembersMany, DEFAULT_LIMITS } from "../dist/index.js";

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

const CASES = [
  {
    name: "250 leaves on a 2,048-segment path",
    condition: leaves(250, () => ({ field: PATH, operator: "eq", value: 7 })),
    docs: [deepDoc, arrayDoc, {}],
  },
  {
    name: "250 mixed leaves on a 2,048-segment path",
    condition: {
      $or: Array.from({ length: 250 }, (_, i) => ({
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
    name: "250 longest contains on a long path",
    condition: leaves(250, (i) => ({
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

let failed = 0;
const rows = [];
for (const { name, condition, docs } of CASES) {
  const first = [];
  const hot = [];
  const bulk = [];
  let kept = 0;
  let peak = 0;
  for (let run = 0; run < 5; run++) {
    const before = heapMB();
    let t = now();
    const compiled = compileCondition(condition);
    for (const d of docs) compiled.matches(d);
    first.push(now() - t);
    // The calls that make it hot: code is generated on the way. The slowest one counts.
    let slowest = 0;
    for (let i = 0; i < 1_200; i++) {
      t = now();
      compiled.matches(docs[i % docs.length]);
      slowest = Math.max(slowest, now() - t);
    }
    hot.push(slowest);
    const during = process.memoryUsage().heapUsed / 2 ** 20;
    t = now();
    countMembersMany(
      { s: compiled },
      Array.from({ length: 300 }, (_, i) => docs[i % docs.length]),
    );
    bulk.push(now() - t);
    peak = Math.max(peak, process.memoryUsage().heapUsed / 2 ** 20 - before, during - before);
    kept = Math.max(kept, heapMB() - before);
    if (compiled.matches(docs[0]) !== compiled.matches(docs[0])) throw new Error("unstable answer");
  }
  const row = {
    input: name,
    "compile + first evaluation (ms)": median(first),
    "slowest of 1,200 calls (ms)": median(hot),
    "countMembersMany, per contact (ms)": median(bulk) / 300,
    "kept (MB)": kept,
    "peak (MB)": peak,
  };
  const over = [
    row["compile + first evaluation (ms)"] > TIME_MS && "compile + first evaluation",
    row["slowest of 1,200 calls (ms)"] > TIME_MS && "turning hot",
    peak > HEAP_MB && "peak heap",
  ].filter(Boolean);
  if (over.length > 0) {
    failed++;
    console.error(`FAILED: ${name}: over ${TIME_MS} ms / ${HEAP_MB} MB in ${over.join(", ")}`);
  }
  rows.push(
    Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "number" ? v.toFixed(v < 1 ? 3 : 1) : v])),
  );
}
console.log(
  `worst inputs inside the default limits (goal: each step under ${TIME_MS} ms and ${HEAP_MB} MB; medians of 5 runs)`,
);
console.table(rows);
if (failed > 0) {
  console.error(`${failed} input(s) over the bound`);
  process.exit(1);
}
