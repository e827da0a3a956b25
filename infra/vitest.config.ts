import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../vitest.shared';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    test: {
      // Synthesizes the stacks once for every test file: see test/global-setup.ts.
      globalSetup: ['test/global-setup.ts'],
      // terraform test plans and applies every stack against mocks: about a minute on two cores.
      testTimeout: 300_000,
      hookTimeout: 120_000,
    },
  }),
);
