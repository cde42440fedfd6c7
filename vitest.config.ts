import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The machine has two cores: two test files at a time, whichever project they belong to.
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          // Pure tests: sharing the module graph between files saves re-importing the SDKs per file.
          isolate: false,
          setupFiles: ['test/unit/support/no-network.ts'],
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
          // Every test builds its own App and stack; sharing the worker's module graph between files saves
          // importing aws-cdk-lib once per file (≈ 6 s of CPU each).
          isolate: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          setupFiles: ['test/integration/support/port-window.ts'],
          // Each file starts local clouds of its own; sharing the worker's module graph between files saves
          // importing aws-cdk-lib, the SDKs and the CDK app once per file (≈ 7 s of CPU each, ≈ 45 files).
          isolate: false,
          // Two files at a time: most of an integration test is waiting (batching windows, polls, JVM start-up);
          // each worker picks free loopback ports from a window of its own, so two local clouds never meet.
          fileParallelism: true,
        },
      },
    ],
  },
});
