import js from '@eslint/js';
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

/**
 * Who may depend on whom, by the `type:` tags in each project.json (docs: README "Module boundaries").
 * Services, layers and the web app ship to users, so they build only on libs; tools and infra run on
 * a laptop or in CI and may use libs, and tools each other. Nobody imports a service or the web app:
 * readers of the manifests load them at run time (libs/platform's loadServices), never by import.
 */
const DEP_CONSTRAINTS = [
  { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:layer', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
  { sourceTag: 'type:web', onlyDependOnLibsWithTags: ['platform:browser'] },
  { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
  { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:lib'] },
];

/**
 * Tests of services and of infra may also start the emulators (the project tagged `role:emulator`,
 * tools/local-cloud): DynamoDB Local for a service's integration tests, the payment provider's
 * simulator, and the local wiring that infra's tests hold its environment against. Their `src/` may not.
 */
const TEST_DEP_CONSTRAINTS = DEP_CONSTRAINTS.map((c) =>
  c.sourceTag === 'type:service' || c.sourceTag === 'type:infra'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'role:emulator'] }
    : c,
);

/** The workspace's shared vitest settings, which every project's vitest.config.ts takes by a relative path. */
const ALLOWED_IMPORTS = ['^(\\.\\./)+vitest\\.shared$'];

const moduleBoundaries = (depConstraints) => [
  'error',
  { allow: ALLOWED_IMPORTS, enforceBuildableLibDependency: false, banTransitiveDependencies: true, depConstraints },
];

/** Another project is reached through its public entry point (its package.json `main`), never a file in it. */
const NO_DEEP_IMPORTS = {
  regex: '^@shop/[^/]+/.+',
  message: "Import another project from its public entry point ('@shop/<name>'); export what you need from its src/index.ts.",
};

/** Modules that do I/O: AWS, files, network, processes, the emulators, and a service's own adapters and handlers. */
const IO_MODULES = {
  group: [
    '@aws-sdk/*',
    '@smithy/*',
    'undici',
    'fs',
    'fs/*',
    'node:fs',
    'node:fs/*',
    'http',
    'https',
    'node:http',
    'node:https',
    'node:http2',
    'node:net',
    'node:dgram',
    'node:dns',
    'node:tls',
    'node:child_process',
    'node:worker_threads',
    '**/adapters',
    '**/adapters/*',
    '**/handlers',
    '**/handlers/*',
  ],
  message: 'The domain has no I/O: take a port (an interface in the domain) and let the handler or an adapter do the I/O.',
};

/** What a domain may take from @shop/common: its errors and pure helpers; types of anything (a Logger port, say). */
const COMMON_PURE_NAMES = [
  'HttpError',
  'BadRequestError',
  'UnauthorizedError',
  'ForbiddenError',
  'NotFoundError',
  'MethodNotAllowedError',
  'ConflictError',
  'PreconditionFailedError',
  'PayloadTooLargeError',
  'UnprocessableError',
  'errorBody',
  'NamedError',
  'cursorCodec',
];

/**
 * "The domain has no I/O" (DESIGN.md: src/domain holds rules with no I/O): for the files `files` names.
 * Exported for libs/contracts, whose whole src is pure.
 */
export const domainHasNoIo = (files) => ({
  files,
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        paths: [
          {
            name: '@shop/common',
            allowImportNames: COMMON_PURE_NAMES,
            allowTypeImports: true,
            message: 'The domain has no I/O: from @shop/common it takes errors, cursorCodec and types; loggers, clients and wrappers belong to handlers and adapters.',
          },
          ...['@shop/aws', '@shop/auth', '@shop/testing', '@shop/local-cloud', '@shop/platform'].map((name) => ({
            name,
            allowTypeImports: true,
            message: `The domain has no I/O: ${name} is for handlers, adapters and tests (its types are fine).`,
          })),
        ],
        patterns: [NO_DEEP_IMPORTS, IO_MODULES],
      },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'fetch', message: 'The domain has no I/O: an adapter fetches.' },
      { name: 'process', message: 'The domain has no I/O: the handler reads the environment and passes what the domain needs.' },
    ],
  },
});

const base = tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.nx/**', '**/out-tsc/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...nx.configs['flat/base'],
  {
    // Configuration that a tool `require`s (libs/aws/esbuild: the esbuild options Nx loads for every service).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries(DEP_CONSTRAINTS),
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [NO_DEEP_IMPORTS] }],
    },
  },
  {
    files: ['**/test/**/*.ts', '**/test/**/*.tsx'],
    rules: { '@nx/enforce-module-boundaries': moduleBoundaries(TEST_DEP_CONSTRAINTS) },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  domainHasNoIo(['**/src/domain/**/*.ts']),
);

export default base;
