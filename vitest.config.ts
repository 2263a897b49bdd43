import { defineConfig } from 'vitest/config';

// Two tiers, named by folder: `test/unit` is pure (no I/O), `test/int` talks to a real Kafka broker and PostgreSQL,
// which the global setup provides once per run (from env, testcontainers, or the local launcher).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          // Property tests run hundreds of generated cases: under a loaded machine (shared cores) a few take seconds,
          // which is not a failure of the rule they check.
          testTimeout: 30_000,
          include: [
            'contracts/test/**/*.test.ts',
            'libs/*/test/unit/**/*.test.ts',
            'services/*/test/unit/**/*.test.ts',
            'deploy/*/test/unit/**/*.test.ts',
          ],
        },
      },
      {
        test: {
          name: 'int',
          // Pure tests first: a broken rule fails in seconds, before the broker starts.
          sequence: { groupOrder: 1 },
          include: [
            'libs/*/test/int/**/*.test.ts',
            'services/*/test/int/**/*.test.ts',
            'deploy/*/test/int/**/*.int.test.ts',
          ],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: a broker, a database and the services under test already compete for them.
          maxWorkers: 2,
        },
      },
    ],
  },
});
