import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      {
        // Pure logic and the resource graph under Pulumi mocks: fast, no process started.
        test: { name: "unit", include: ["components/**/*.test.ts", "lab/**/*.test.ts"] },
      },
      {
        // Real Kafka nodes through the real Pulumi CLI: one file at a time, in one process.
        test: {
          name: "e2e",
          include: ["test/**/*.e2e.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
