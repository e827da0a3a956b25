import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // Each file starts real emulators (java for DynamoDB Local takes 6–18 s on two busy
      // cores) and checks that no child process is left behind: one process per file, and
      // time for start-up.
      pool: 'forks',
      hookTimeout: 120_000,
      testTimeout: 120_000,
      teardownTimeout: 30_000,
    },
  }),
);
