import { defineConfig, mergeConfig } from 'vitest/config';
import { sharedTestConfig } from '../../vitest.shared';

export default mergeConfig(
  sharedTestConfig,
  defineConfig({
    esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
    test: { include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] },
  }),
);
