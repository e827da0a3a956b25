// @ts-check
/**
 * The esbuild options every service's `build` target shares (apps/<service>/project.json,
 * `esbuildConfig`), on top of the target's own: how a Lambda bundle is made. Plain CommonJS because
 * Nx `require`s it. It lives with the clients it bundles, so that a change here rebuilds and
 * redeploys every service that uses them; tools/bench builds the SDK floor with the same options,
 * and its test holds every service to this file.
 */
const { join } = require('node:path');
const { inlineSchemaKeys } = require('./inline-schema-keys.cjs');

/** @type {import('esbuild').BuildOptions} */
const options = {
  // The SDK's ES modules, which esbuild can tree-shake, rather than its CommonJS builds.
  mainFields: ['module', 'main'],
  // Credentials from the environment only: Lambda always sets them (docs/performance.md, "Cold start").
  alias: { '@aws-sdk/credential-provider-node': join(__dirname, '..', 'src', 'lambda-credentials.ts') },
  legalComments: 'none',
  outExtension: { '.js': '.js' },
  plugins: [inlineSchemaKeys()],
};

module.exports = options;
