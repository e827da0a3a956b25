import { defineConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared';

/**
 * `nx test e2e`: the checks that read every service's manifest and files (checks/), without the
 * local cloud. They live in this project, which depends on every service, so that a change to a
 * service makes them affected and misses their cache (decision 18). The end-to-end suite under
 * test/ has its own config (vitest.e2e.config.ts, `nx e2e e2e`).
 */
export default defineConfig({
  // Not mergeConfig: it would add the shared `test/**/*.test.ts` to `include`, and with it the end-to-end files.
  test: {
    ...sharedTestConfig.test,
    include: ['checks/**/*.test.ts'],
  },
});
