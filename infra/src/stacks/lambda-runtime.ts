/**
 * Lambda's runtime for every function and layer. The pinned AWS provider (5.100, the last 5.x)
 * validates runtimes against a list that ends at nodejs22.x, so nodejs24.x waits for a provider
 * upgrade (see docs/decisions.md, "Node 22"). AWS deprecates nodejs22.x on 2027-04-30; creating
 * functions on it is blocked from 2027-06-01 and updating them from 2027-07-01.
 */
export const LAMBDA_RUNTIME = 'nodejs22.x';
/** Graviton: cheaper per millisecond, and the bundles are plain JavaScript. */
export const LAMBDA_ARCHITECTURE = 'arm64';
// Every function is published and called through its `live` alias (LIVE_ALIAS, @shop/platform's
// conventions, where the policies that grant invoking it are rendered too).
export { LIVE_ALIAS } from '@shop/platform';
