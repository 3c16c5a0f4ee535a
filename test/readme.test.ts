/**
 * Every TypeScript example of the README that starts with an import runs: each is stripped
 * of its types (esbuild), written beside the package (so `"segmatch"` resolves to the built
 * package, as for a user), and run with node. `npm test` builds dist/ first.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { transformSync } from "esbuild";
import { afterAll, describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const readme = readFileSync(join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string).filter((code) => code.startsWith("import "));
const dir = join(root, ".readme-examples");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the README's examples", () => {
  it("are there", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(10);
  });

  it.each(blocks.map((code, i) => [i, code.split("\n")[0], code] as const))("example %i (%s) runs", (i, _first, code) => {
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `example-${i}.mjs`);
    writeFileSync(file, transformSync(code, { loader: "ts", format: "esm" }).code);
    expect(() => execFileSync(process.execPath, [file], { cwd: root, encoding: "utf8", stdio: "pipe" })).not.toThrow();
  });
});
