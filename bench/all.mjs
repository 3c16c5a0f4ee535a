// Runs every benchmark of `npm run bench`, one after another, each in its own process, and
// exits with code 1 at the end if any failed (worst.mjs fails when a step passes its bound):
// a failure is reported without stopping the benchmarks after it.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

const BENCHES = [
  ["matches.mjs"],
  ["segments.mjs"],
  ["many.mjs", "--expose-gc"],
  ["compile.mjs"],
  ["worst.mjs", "--expose-gc"],
  ["sql.mjs"],
  ["sql-many.mjs"],
  ["relative.mjs"],
];

const failed = [];
for (const [file, ...flags] of BENCHES) {
  const { status, signal } = spawnSync(process.execPath, [...flags, join(here, file)], {
    stdio: "inherit",
  });
  if (status !== 0) failed.push(`${file} (${signal ?? `exit ${status}`})`);
}
if (failed.length > 0) {
  console.error(`\nfailed: ${failed.join(", ")}`);
  process.exit(1);
}
