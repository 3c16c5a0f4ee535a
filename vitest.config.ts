import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // One fast-check configuration for every file: FC_SEED, FC_PATH and FC_RUNS (see the file's header).
    setupFiles: ["test/fc-setup.ts"],
    testTimeout: 120_000,
    benchmark: { include: ["bench/**/*.bench.ts"] },
  },
});
