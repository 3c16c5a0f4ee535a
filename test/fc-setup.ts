/**
 * One fast-check configuration for every test file (vitest `setupFiles`), so that every
 * property can be replayed and scaled the same way:
 *
 * - **FC_SEED** — the seed of every property in the file. Without it each file draws a fresh
 *   random one. Either way it is printed once per file, with the command that replays it:
 *   `FC_SEED=<seed> npx vitest run test/<file>.test.ts`. A failing property also prints it
 *   (with the failing `path`) in its own report.
 * - **FC_PATH** — replays one counterexample: the `path` fast-check printed for a failure.
 *   It applies to every property of the file, so select the failing one with `-t <name>`.
 * - **FC_RUNS** — a multiplier of every property's number of runs (default 1): `FC_RUNS=0.1`
 *   for a quick pass, `FC_RUNS=10` for a soak. A multiplier, not a count, because the
 *   properties differ a thousandfold in cost per run (an index of 1,000 segments runs 15
 *   times, the path-port pairs 100,000). Each property that sets its own number of runs
 *   reads it through {@link runs}; the others get fast-check's 100 × FC_RUNS.
 *   Values above 100 are refused: FC_RUNS once meant an absolute count.
 */
import fc from "fast-check";
import { beforeAll, expect } from "vitest";

function readSeed(): number {
  const given = process.env.FC_SEED;
  if (given === undefined || given === "") return (Date.now() ^ (Math.random() * 0x100000000)) | 0;
  const seed = Number(given);
  if (!Number.isInteger(seed) || seed < -0x80000000 || seed > 0xffffffff)
    throw new Error(`FC_SEED must be a 32-bit integer (as fast-check prints it), not ${JSON.stringify(given)}`);
  return seed | 0;
}

function readScale(): number {
  const given = process.env.FC_RUNS;
  if (given === undefined || given === "") return 1;
  const scale = Number(given);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100) {
    throw new Error(
      `FC_RUNS multiplies every property's number of runs (0.1 for a quick pass, 10 for a soak); ${JSON.stringify(given)} is not a number in (0, 100]`,
    );
  }
  return scale;
}

const scale = readScale();

/** A property's number of runs: its default times FC_RUNS, at least one. */
export function runs(base: number): number {
  return Math.max(1, Math.round(base * scale));
}

const seed = readSeed();
const path = process.env.FC_PATH;
fc.configureGlobal({ seed, numRuns: runs(100), ...(path ? { path } : {}) });

beforeAll(() => {
  const file = expect.getState().testPath ?? "";
  const relative = file.slice(file.lastIndexOf("/test/") + 1) || "<file>";
  console.log(
    `fast-check: seed=${seed}${scale === 1 ? "" : ` runs×${scale}`}${path ? ` path=${path}` : ""} (replay: FC_SEED=${seed} npx vitest run ${relative})`,
  );
});
