import { defineConfig } from 'vitest/config';

// One project per suite. `npm test` (scripts/run-tests.mjs) runs them one after another
// so each suite starts its own servers once and prints its own count.
export default defineConfig({
  test: {
    pool: 'forks',
    projects: [
      {
        test: {
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/setup/replay-global.ts'],
          testTimeout: 60_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          pool: 'forks',
          // Property tests run hundreds of cases; a busy machine must not turn them into timeouts.
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'workflow',
          include: ['test/workflow/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/setup/workflow-global.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/setup/stack-global.ts'],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // `npm run test:cluster`: the end-to-end journeys on the production shape (test/setup/stack-global.ts).
        test: {
          name: 'cluster',
          include: [
            'test/cluster/**/*.test.ts',
            'test/integration/origination.test.ts',
            'test/integration/servicing.test.ts',
          ],
          pool: 'forks',
          globalSetup: ['test/setup/stack-global.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
      {
        // `npm run test:cluster`: the worker-kill and server-restart drills on the production shape.
        test: {
          name: 'cluster-drills',
          include: ['test/cluster-drills/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          pool: 'forks',
          globalSetup: ['test/setup/stack-global.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'drills',
          include: ['test/drills/**/*.test.ts'],
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
