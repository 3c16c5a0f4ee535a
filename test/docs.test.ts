/**
 * Every code block of README.md, CONTRIBUTING.md and docs/*.md is a test (see
 * test/docs/examples.ts for how a block states its results): each ```ts block typechecks
 * under strict settings with TypeScript 5.9 and 7, and runs against the built package with
 * every stated result checked; each ```console block runs the built `segmatch` bin and
 * prints exactly what it shows. `npm test` builds dist/ first.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";
import { blocks, CHECKER, checks, consoleSteps, docFiles, instrument, type Block } from "./docs/examples.js";

const root = new URL("..", import.meta.url).pathname;
// Inside the repository, so that "segmatch" resolves to the built package as for a user; one folder per run.
const dir = mkdtempSync(join(root, ".docs-examples-"));
const all = docFiles(root).flatMap((file) => blocks(root, file));
const ts = all.filter((b) => b.lang === "ts");
const sessions = all.filter((b) => b.lang === "console");
const name = (b: Block) => `${b.file.replace(/[/.]/g, "_")}_${b.line}`;

const STRICT = {
  target: "ES2022",
  lib: ["ES2023"],
  module: "NodeNext",
  moduleResolution: "NodeNext",
  types: ["node"],
  typeRoots: [join(root, "node_modules/@types")],
  strict: true,
  noUncheckedIndexedAccess: true,
  exactOptionalPropertyTypes: true,
  noEmit: true,
  skipLibCheck: true,
};

writeFileSync(join(dir, "checker.mjs"), CHECKER);
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ compilerOptions: STRICT, include: ["*.ts"] }, null, 2));
for (const b of ts) writeFileSync(join(dir, `${name(b)}.ts`), b.code);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** tsc's errors, each pointed at its line in the Markdown file. */
function typecheck(tsc: string): string[] {
  const result = spawnSync(process.execPath, [join(root, tsc), "-p", dir, "--pretty", "false"], { encoding: "utf8" });
  const byName = new Map(ts.map((b) => [name(b), b]));
  return `${result.stdout}${result.stderr}`
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => {
      const m = /^(?:\S*\/)?([^/\s]+?)\.ts\((\d+),(\d+)\): (.*)$/.exec(l);
      const b = m ? byName.get(m[1]!) : undefined;
      return b && m ? `${b.file}:${b.line + Number(m[2]) - 1}: ${m[4]}` : l;
    });
}

describe("the docs' code blocks", () => {
  it("are there, and only in kinds a test reads", () => {
    expect(ts.length).toBeGreaterThanOrEqual(20);
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    const unread = all
      .filter((b) => !["ts", "console", "sh", "json"].includes(b.lang))
      .map((b) => `${b.file}:${b.line} \`\`\`${b.lang}`);
    expect(unread).toEqual([]);
  });

  it.each([
    ["TypeScript 5.9", "node_modules/typescript/bin/tsc"],
    ["TypeScript 7", "node_modules/typescript-7/bin/tsc"],
  ])("typecheck under strict settings (%s)", (_v, tsc) => {
    expect(typecheck(tsc)).toEqual([]);
  });

  it.each(ts.map((b) => [`${b.file}:${b.line}`, b] as const))("%s runs and prints what it says", (_where, b) => {
    const list = checks(b.code);
    const file = join(dir, `${name(b)}.mjs`);
    writeFileSync(file, transformSync(instrument(b.code, list), { loader: "ts", format: "esm" }).code);
    const result = spawnSync(process.execPath, [file], { cwd: root, encoding: "utf8", timeout: 60_000 });
    const where = (text: string) =>
      text.replace(/^line (\d+)/gm, (_m, n: string) => `${b.file}:${b.line + Number(n) - 1}`);
    expect(where(result.stderr)).toBe("");
    expect(result.status).toBe(0);
    expect(result.stdout.trim().split("\n").at(-1)).toBe(`__checks:${list.length}`);
  });

  it.each(sessions.map((b) => [`${b.file}:${b.line}`, b] as const))("%s prints what it shows", (_where, b) => {
    const cwd = mkdtempSync(join(tmpdir(), "segmatch-docs-"));
    try {
      const prelude = `segmatch() { node ${JSON.stringify(join(root, "dist", "cli.js"))} "$@"; }\n`;
      for (const step of consoleSteps(b.code)) {
        // Standard error joined to standard output, in the order written (Node writes pipes synchronously on Linux).
        const result = spawnSync("bash", ["-c", `${prelude}{\n${step.command}\n} 2>&1`], { cwd, encoding: "utf8" });
        expect(result.stdout, `${b.file}:${b.line + step.line - 1}: $ ${step.command}`).toBe(step.output);
      }
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});
