import base from '../../eslint.config.mjs';

export default [
  ...base,
  {
    // The generator's loader (src/service/load-generator.cjs) is CommonJS, because Nx require()s it.
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __filename: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
];
