import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // Synthesizes the stacks once for every test file: see test/global-setup.ts.
      globalSetup: ['test/global-setup.ts'],
      // terraform validate of every stack takes a few seconds each.
      testTimeout: 120_000,
      hookTimeout: 120_000,
    },
  }),
);
