/**
 * The operator contract of CONTRIBUTING.md, checked: a throwaway operator added to
 * `OPERATORS` in a temporary copy of src/ fails the build in each place that must say what it
 * means, and in no other; once those places have it, the build passes. The places after the
 * operator list are four: its operand (`FieldCondition`), its lowering (`OPERATOR_SPECS`),
 * its words, and the field types that take it.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "segmatch-contract-"));
cpSync(join(root, "src"), join(dir, "src"), { recursive: true });
cpSync(join(root, "tsconfig.json"), join(dir, "tsconfig.base.json"));
symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
writeFileSync(join(dir, "tsconfig.json"), JSON.stringify({ extends: "./tsconfig.base.json", include: ["src"] }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces `from` (which must be there) with `to` in a file of the copy. */
function edit(file: string, from: string, to: string): void {
  const path = join(dir, "src", file);
  const text = readFileSync(path, "utf8");
  if (!text.includes(from))
    throw new Error(`${file} no longer has ${JSON.stringify(from)}: update this test and CONTRIBUTING.md`);
  writeFileSync(path, text.replace(from, to));
}

/** The files tsc reports errors in, with the errors' text. */
function build(compiler: string): { files: string[]; output: string } {
  const result = spawnSync(process.execPath, [join(root, compiler), "-p", dir, "--pretty", "false"], {
    cwd: dir,
    encoding: "utf8",
  });
  const output = `${result.stdout}${result.stderr}`;
  const files = [
    ...new Set([...output.matchAll(/^src\/(\S+?)\(\d+,\d+\): error/gm)].map((m) => m[1] as string)),
  ].sort();
  return { files, output };
}

describe("adding an operator", () => {
  it("fails the build in each place that must say what it means, and passes once they do", () => {
    edit("language/condition.ts", '  "exists",\n] as const;', '  "exists",\n  "between",\n] as const;');
    for (const compiler of ["node_modules/typescript/bin/tsc", "node_modules/typescript-7/bin/tsc"]) {
      const first = build(compiler);
      expect(first.files, first.output).toEqual(["catalog/typing.ts", "language/operators.ts", "language/words.ts"]);
      expect(first.output.match(/'between' is missing/g)?.length, first.output).toBe(3);
    }
    edit(
      "language/operators.ts",
      "  exists: { value:",
      '  between: { value: "list", lower: same("in") },\n  exists: { value:',
    );
    edit("language/words.ts", '  exists: "is set",', '  between: "is between",\n  exists: "is set",');
    edit("catalog/typing.ts", "  exists: FIELD_TYPES,", "  between: ORDERED,\n  exists: FIELD_TYPES,");
    // Its operand is not declared yet: the lowering's entry is refused.
    const second = build("node_modules/typescript-7/bin/tsc");
    expect(second.files, second.output).toEqual(["language/operators.ts"]);
    const entry =
      readFileSync(join(dir, "src/language/operators.ts"), "utf8")
        .split("\n")
        .findIndex((line) => line.startsWith("  between:")) + 1;
    expect(second.output).toContain(`src/language/operators.ts(${entry},`);
    edit("language/condition.ts", 'readonly operator: "in" | "nin";', 'readonly operator: "in" | "nin" | "between";');
    const third = build("node_modules/typescript-7/bin/tsc");
    expect(third, third.output).toEqual({ files: [], output: "" });
  }, 60_000);
});
