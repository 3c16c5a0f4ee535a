/**
 * The built package, imported the two ways users do: ESM `import` and CommonJS `require`.
 * `npm test` builds dist/ before running the suite.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("..", import.meta.url).pathname;
const probe = `
  const c = m.compileCondition({ field: "a", operator: "in", value: [1] });
  let refused = "";
  try { m.parseCondition({ field: "a", operator: "like", value: 1 }); } catch (e) { refused = e.name + ":" + e.issues[0].code; }
  console.log(JSON.stringify({ filter: c.filter, hit: c.matches({ a: [2, 1] }), refused }));
`;
const expected = { filter: { a: { $in: [1] } }, hit: true, refused: "ConditionError:unknown_operator" };

describe("the built package", () => {
  it("exists (npm test builds it first)", () => {
    expect(
      existsSync(`${root}dist/index.js`) && existsSync(`${root}dist/index.cjs`) && existsSync(`${root}dist/index.d.ts`),
    ).toBe(true);
  });

  it("works through ESM import", () => {
    const out = execFileSync(
      process.execPath,
      ["--input-type=module", "-e", `import * as m from "segmatch"; ${probe}`],
      { cwd: root, encoding: "utf8" },
    );
    expect(JSON.parse(out)).toEqual(expected);
  });

  it("works through CommonJS require", () => {
    const out = execFileSync(process.execPath, ["-e", `const m = require("segmatch"); ${probe}`], {
      cwd: root,
      encoding: "utf8",
    });
    expect(JSON.parse(out)).toEqual(expected);
  });

  it("ConditionError from an ESM and a CJS copy in one process: instanceof and isConditionError agree across copies", () => {
    const source = `
      import * as esm from "segmatch";
      import { createRequire } from "node:module";
      const cjs = createRequire(import.meta.url)("segmatch");
      const fromEsm = esm.safeParseCondition({ field: "a", operator: "==", value: 1 }).error;
      const fromCjs = cjs.safeParseCondition({ field: "a", operator: "==", value: 1 }).error;
      console.log(JSON.stringify({
        distinctClasses: esm.ConditionError !== cjs.ConditionError,
        esmOfCjs: fromCjs instanceof esm.ConditionError, cjsOfEsm: fromEsm instanceof cjs.ConditionError,
        isEsm: esm.isConditionError(fromCjs), isCjs: cjs.isConditionError(fromEsm),
        plainError: new Error("x") instanceof esm.ConditionError, lookAlike: esm.isConditionError({ name: "ConditionError", issues: [] }),
        suggestions: fromCjs.issues[0].suggestions,
      }));
    `;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", source], { cwd: root, encoding: "utf8" });
    expect(JSON.parse(out)).toEqual({
      distinctClasses: true,
      esmOfCjs: true,
      cjsOfEsm: true,
      isEsm: true,
      isCjs: true,
      plainError: false,
      lookAlike: false,
      suggestions: ["eq"],
    });
  });

  it("a bundle that imports only compileCondition is small and holds no validator and no SQL reader (esbuild, minified)", async () => {
    const { build } = await import("esbuild");
    const result = await build({
      stdin: {
        contents: 'import { compileCondition } from "segmatch"; console.log(compileCondition);',
        resolveDir: root,
        loader: "js",
      },
      bundle: true,
      minify: true,
      format: "esm",
      platform: "neutral",
      conditions: ["import"],
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const bytes = result.outputFiles[0]!.contents.length;
    console.log(`bundle importing only compileCondition: ${(bytes / 1024).toFixed(1)} KB minified`);
    const kept = Object.entries(Object.values(result.metafile.outputs)[0]!.inputs).filter(
      ([, input]) => input.bytesInOutput > 0,
    );
    expect(kept.map(([path]) => path).filter((path) => path.includes("node_modules"))).toEqual([]);
    // options.sql is checked by the SQL target (sqlOf), not by the options every function reads.
    expect(result.outputFiles[0]!.text).not.toContain("paramOffset");
    expect(result.outputFiles[0]!.text).not.toContain("IS NULL");
    // A guard against regressions; the goal is 40 KB (docs/benchmarks.md). It was 50 KB until
    // issues became data with their English in one renderer (messages.ts's core chapter, 8.9 KB)
    // and relative dates brought time zones, date math, clocked predicates and nextChange (about 11 KB).
    // 74 KB since issue 19 bounded what comes from outside before reading it: an enum's values,
    // inherited limit names, maxTotalLength and maxPathSegments (their counting and sentences),
    // table names as a list, and long paths keyed once (1.7 KB in all). 71 KB since issue 20
    // moved the reading of options.sql into the SQL target and marked the SQL leaves' table pure (3.5 KB out, 0.5 KB back for the engine's field cache and the $and reorder).
    expect(bytes).toBeLessThan(71 * 1024);
  });
});
