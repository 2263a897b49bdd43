import { defineConfig } from 'vitest/config';

// `npm run test:cluster`: the system on a three-broker cluster with two replicas of every service, kill -9 of a broker
// and of a replica of each service under load. Kept out of `npm test`: about three minutes on a 2-core machine, and it
// needs every core while it runs. The global setup is the int tier's (a template database to clone).
export default defineConfig({
  test: {
    name: 'cluster',
    include: ['deploy/*/test/cluster/**/*.test.ts'],
    globalSetup: ['libs/testing/src/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
