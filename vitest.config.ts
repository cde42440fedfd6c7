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
          setupFiles: ['test/unit/support/no-network.ts'],
        },
      },
      {
        test: {
          name: 'infra',
          include: ['test/infra/**/*.test.ts'],
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
          // Two files at a time: most of an integration test is waiting (batching windows, polls, JVM start-up);
          // every test picks free loopback ports, so two local clouds never meet.
          fileParallelism: true,
        },
      },
    ],
  },
});
