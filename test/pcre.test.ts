/**
 * The `$regex` patterns segmatch emits mean the same under PCRE2 (MongoDB 6.1+; the server
 * compiles patterns in UTF mode) as under JavaScript, where mingo and the predicate run.
 * Each pattern is run through Debian's `pcre2test` on the same subjects, and every evaluator
 * tier of the predicate (tiers.ts) answers as JavaScript does. `.ci/run` installs
 * pcre2-utils; outside CI the test is skipped, loudly, when pcre2test is missing.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileCondition } from "../src/index.js";
import { STRINGS } from "./arbitraries.js";
import { expectTiers, itRanEveryTier } from "./tiers.js";

function hasPcre2test(): boolean {
  try {
    execFileSync("pcre2test", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const available = hasPcre2test();
if (!available && process.env.CI) throw new Error("pcre2test is missing: .ci/run installs pcre2-utils");
if (!available) console.warn("pcre.test.ts skipped: install pcre2-utils (apt-get install pcre2-utils) to run it");

const escapeSubject = (s: string) => Array.from(s, (c) => `\\x{${c.codePointAt(0)!.toString(16)}}`).join("");

/** PCRE2's verdict for each (pattern, subject) pair, from one pcre2test run. */
function pcre(cases: readonly { pattern: string; subjects: readonly string[] }[]): boolean[][] {
  const input = cases
    .map(({ pattern, subjects }) =>
      [`/${Buffer.from(pattern, "utf8").toString("hex")}/hex,utf`, ...subjects.map(escapeSubject), ""].join("\n"),
    )
    .join("\n");
  const file = join(mkdtempSync(join(tmpdir(), "segmatch-pcre-")), "input.txt");
  writeFileSync(file, input);
  const verdicts = execFileSync("pcre2test", ["-q", file], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 })
    .split("\n")
    .filter((line) => line.startsWith(" 0:") || line === "No match")
    .map((line) => line !== "No match");
  // One verdict per subject, or the output is misread (pcre2test prints an error instead for bad input).
  expect(verdicts).toHaveLength(cases.reduce((n, c) => n + c.subjects.length, 0));
  let k = 0;
  return cases.map(({ subjects }) => subjects.map(() => verdicts[k++]!));
}

const OPERATORS = ["contains", "startsWith", "endsWith"] as const;
const literalArb = fc.string({
  unit: fc.constantFrom(..."ab.^$|?*+()[]{}\\\n\r\u0000/#- é\u{1F600}".split(/(?:)/u)),
  minLength: 0,
  maxLength: 5,
});

describe.runIf(available)("emitted $regex patterns under PCRE2 and JavaScript", () => {
  it("agree on every literal, operator and subject", () => {
    const literals = [...STRINGS.filter((s) => s !== ""), ...fc.sample(literalArb, { numRuns: 300, seed: 7 })];
    const cases = literals.flatMap((literal) =>
      OPERATORS.map((operator) => {
        const compiled = compileCondition({ field: "s", operator, value: literal });
        const pattern = (compiled.filter.s as { $regex: string }).$regex;
        const subjects = [
          literal,
          `x${literal}`,
          `${literal}x`,
          `${literal}\n`,
          `\n${literal}`,
          `x${literal}\ny`,
          "x",
          Array.from(literal).slice(1).join("") || "y",
          `${literal}${literal}`,
        ].filter((s) => s !== "");
        return { literal, operator, pattern, subjects, compiled };
      }),
    );
    const verdicts = pcre(cases);
    let compared = 0;
    cases.forEach(({ pattern, subjects, compiled }, i) => {
      const js = subjects.map((subject) => new RegExp(pattern).test(subject));
      subjects.forEach((subject, j) => {
        expect({ pattern, subject, pcre: verdicts[i]![j] }).toEqual({ pattern, subject, pcre: js[j] });
        compared++;
      });
      expectTiers(
        compiled,
        subjects.map((subject) => ({ s: subject })),
        js,
        {},
        { note: () => `pattern /${pattern}/` },
      );
    });
    expect(compared).toBeGreaterThan(5_000);
  });

  it("shows why endsWith is not `$`: PCRE2's `$` matches before a final newline", () => {
    expect(pcre([{ pattern: "bc$", subjects: ["abc\n"] }])).toEqual([[true]]);
    expect(new RegExp("bc$").test("abc\n")).toBe(false);
  });
});

if (available) itRanEveryTier();
