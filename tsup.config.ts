import { readFileSync } from "node:fs";
import { defineConfig } from "tsup";

/** The package's version, for `segmatch --version` (the bin is one file: it reads no package.json). */
const { version } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8")) as { version: string };

export default defineConfig([
  {
    // The core, and the platform's entry point (segmatch/kibamail) as a second file that shares the core's chunks.
    entry: { index: "src/index.ts", kibamail: "src/kibamail/index.ts" },
    format: ["esm", "cjs"],
    // CommonJS too: one copy of the core for both entry points (one ConditionError class, one brand of compiled conditions).
    splitting: true,
    dts: true,
    clean: true,
    sourcemap: false,
    target: "node20",
  },
  {
    // The command-line tool, run by `npx segmatch`: it imports the library's own dist/index.js
    // (one copy of the library in the package, and the CLI tests what users import).
    entry: { cli: "src/cli/bin.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: false,
    target: "node20",
    define: { __SEGMATCH_VERSION__: JSON.stringify(version) },
    esbuildPlugins: [
      {
        name: "library-external",
        setup(build) {
          build.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: "./index.js", external: true }));
          build.onResolve({ filter: /^\.\.\/kibamail\/index\.js$/ }, () => ({ path: "./kibamail.js", external: true }));
        },
      },
    ],
  },
]);
