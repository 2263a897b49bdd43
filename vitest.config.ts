import { defineConfig } from 'vitest/config';

// Two tiers, named by folder: `test/unit` is pure (no I/O), `test/int` talks to a real Kafka broker and PostgreSQL,
// which the global setup provides once per run (from env, testcontainers, or the local launcher).
const clusterTest = 'libs/infra/test/int/kafka-cluster.test.ts';

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
          exclude: [clusterTest],
          globalSetup: ['libs/testing/src/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: a broker, a database and the services under test already compete for them.
          maxWorkers: 2,
        },
      },
      {
        test: {
          // The launcher's three-node cluster (three more JVMs, one killed and restarted) runs alone, after the rest:
          // beside other suites under load it starved them (Swagger UI past a minute in the browser, a first version
          // past 20 s) and itself (a fenced node, a test past its limit).
          name: 'int-cluster',
          sequence: { groupOrder: 2 },
          include: [clusterTest],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          maxWorkers: 1,
        },
      },
    ],
  },
});
