import { defineConfig } from 'vitest/config';

/** Settings every project's tests share; each project's vitest.config.ts merges these. */
export const sharedTestConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Handlers log one JSON line per request; tests assert on answers, not on log noise.
    env: {
      LOG_LEVEL: 'silent',
      // The SDK's notice about end-of-support Node versions is noise in test output.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    passWithNoTests: false,
  },
});
