import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const base = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/out-tsc/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
);

export default base;

/** For the services in apps/: the same, plus what function code may not import. */
export const serviceConfig = tseslint.config(...base, {
  // Function code gets the AWS SDK from the common-utils layer, through @shop/common
  // (libs/common/src/aws/sdk.ts): a second copy in the bundle would double the cold start.
  files: ['src/**/*.ts'],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: ['@aws-sdk/*'],
            allowTypeImports: true,
            message: 'Import AWS SDK commands and clients from @shop/common (the common-utils layer); type-only imports are fine.',
          },
        ],
      },
    ],
  },
});
