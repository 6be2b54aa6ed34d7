import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One test file at a time (the e2e files share the machine's Kafka, ports and CPU).
    fileParallelism: false,
    projects: [
      {
        // Pure logic and the resource graph under Pulumi mocks: fast, no process started.
        test: { name: "unit", include: ["components/**/*.test.ts", "lab/**/*.test.ts"] },
      },
      {
        // Real Kafka nodes through the real Pulumi CLI: one file at a time, each in a process of its own.
        // A second copy of the Pulumi SDK (each file loads its own) in a process that already ran inline
        // programs once let a refused `up` complete as an empty program, deleting the lab (seen once).
        test: {
          name: "e2e",
          include: ["test/**/*.e2e.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          pool: "forks",
          poolOptions: { forks: { isolate: true } },
        },
      },
    ],
  },
});
