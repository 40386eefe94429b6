import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/bench/**", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Notebook and browser tests start kernels and Chromium: keep the two
    // cores from being oversubscribed.
    maxWorkers: 2,
  },
});
