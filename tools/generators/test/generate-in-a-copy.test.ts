import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findRepoRoot, type LoadedService, loadServices, manifestProblems, type ServiceManifest } from '@shop/platform';
import { generatedFiles } from '@shop/docs-gen';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTypecheckOutputs, copyWorkspace, linkBuiltBundles, linkWorkspacePackages, runIn } from './support/workspace-copy';

/**
 * Issue 12, item 7: a service made by `nx g @shop/generators:service` passes lint, typecheck,
 * test and build, is found by every reader of the manifests, and appears in the docs and in
 * infra's synth, with no other edit. Checked in a copy of the repository (the real one is never
 * touched), with the real generator run through the Nx CLI, as a person runs it. Only its
 * `npm install` is left out (no registry in a test); the links it would make are made here.
 * About a minute and a half on two busy cores, most of it Nx and tsc.
 */

const NAME = 'wishlist-service';
const FUNCTION = 'get-wishlist-item';
const ROUTE = 'GET /wishlist/items/{itemId}';

const repoRoot = findRepoRoot();
let copy: string;
const seconds: Record<string, number> = {};

beforeAll(() => {
  const started = Date.now();
  copy = mkdtempSync(join(tmpdir(), 'shop-generator-'));
  copyWorkspace(repoRoot, copy);
  copyTypecheckOutputs(repoRoot, copy);
  seconds['copy'] = (Date.now() - started) / 1000;
  const generated = runIn(copy, 'nx', ['g', '@shop/generators:service', NAME, '--skipInstall', '--no-interactive']);
  seconds['nx g (with npm run docs)'] = generated.seconds;
  linkWorkspacePackages(copy);
}, 120_000);

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
  // Where the time goes, for whoever wonders why this file is the slow one.
  process.stdout.write(`generate-in-a-copy: ${Object.entries(seconds).map(([step, s]) => `${step} ${s.toFixed(1)} s`).join(', ')}\n`);
});

describe(`a service made by nx g @shop/generators:service ${NAME}`, () => {
  // First: any other nx command in the copy applies sync's changes itself (nx.json: sync.applyChanges).
  it('leaves the workspace in sync: the project references are what nx sync writes (CI runs sync:check)', () => {
    const run = runIn(copy, 'nx', ['sync:check']);
    seconds['nx sync:check'] = run.seconds;
    expect(run.output).toContain('The workspace is up to date');
  }, 60_000);

  it('passes lint, typecheck, test and build with no edit', () => {
    const run = runIn(copy, 'nx', ['run-many', '-t', 'lint,typecheck,test,build', '-p', NAME, '--output-style=static', '--skip-nx-cache']);
    seconds['lint, typecheck, test, build'] = run.seconds;
    expect(run.output).toContain(`Successfully ran targets lint, typecheck, test, build for project ${NAME}`);
    // Its one test file ran, with its five tests.
    expect(run.output).toMatch(/Tests\s+5 passed \(5\)/);
    expect(existsSync(join(copy, 'dist/apps', NAME, `${FUNCTION}.js`))).toBe(true);
    expect(existsSync(join(copy, 'dist/apps', NAME, 'meta.json'))).toBe(true);
  }, 240_000);

  describe('found at run time by every reader of the manifests', () => {
    let services: LoadedService[];
    let manifest: ServiceManifest | undefined;
    beforeAll(async () => {
      services = await loadServices(copy);
      manifest = services.find((s) => s.manifest.name === NAME)?.manifest;
    }, 60_000);

    it('is loaded with its table and its signed-in route, and the manifests still fit together', () => {
      expect(manifest?.tables).toEqual({ items: expect.objectContaining({ partitionKey: { name: 'itemId', type: 'S' } }) });
      expect(manifest?.functions[FUNCTION]?.triggers).toEqual([
        expect.objectContaining({ type: 'http', method: 'GET', path: '/wishlist/items/{itemId}', auth: { kind: 'signed-in' } }),
      ]);
      expect(manifestProblems(services.map((s) => s.manifest))).toEqual([]);
    });

    it('appears in the generated docs, which are current (the generator ran npm run docs)', async () => {
      const expected = await generatedFiles(services.map((s) => s.manifest));
      for (const [path, text] of Object.entries(expected)) expect(readFileSync(join(copy, path), 'utf8') === text, `${path} is current`).toBe(true);
      const openApi = JSON.parse(expected['docs/openapi.json'] as string) as { paths: Record<string, Record<string, { operationId: string; security?: unknown[] }>> };
      expect(openApi.paths['/wishlist/items/{itemId}']?.['get']).toMatchObject({ operationId: 'getWishlistItem', security: [{ bearerAuth: [] }] });
      expect(expected['docs/architecture.md']).toContain(`api -->|"${ROUTE}"| fn_wishlist_service__get_wishlist_item`);
    });

    it("is listed in the README's table of projects", () => {
      expect(readFileSync(join(copy, 'README.md'), 'utf8')).toContain(`| \`apps/${NAME}\` |`);
    });
  });

  it("passes the checks that span the services: its sample event and its handler's wrapper (tools/e2e/checks)", () => {
    const checks = runIn(join(copy, 'tools/e2e'), 'vitest', ['run']);
    seconds['sample events, handler wrappers'] = checks.seconds;
    expect(checks.output).toMatch(/Tests\s+5 passed \(5\)/);
  }, 120_000);

  it("is in infra's synth: its stack with the function and the table, its route on the platform's API", () => {
    linkBuiltBundles(repoRoot, copy, NAME);
    const run = runIn(copy, 'tsx', ['infra/src/main.ts'], { SHOP_STAGE: 'dev' });
    seconds['infra synth'] = run.seconds;
    expect(run.output).toContain(NAME);

    const stack = terraform(join(copy, 'infra/cdktf.out/stacks', NAME, 'cdk.tf.json'));
    expect(Object.values(stack.resource['aws_lambda_function'] ?? {}).map((f) => f['function_name'])).toEqual([`shop-dev-${NAME}-${FUNCTION}`]);
    expect(Object.values(stack.resource['aws_dynamodb_table'] ?? {}).map((t) => t['name'])).toEqual([`shop-dev-${NAME}-items`]);
    const policies = JSON.stringify(stack.resource['aws_iam_role_policy'] ?? {});
    expect(policies).toContain('dynamodb:GetItem');

    const routes = Object.values(stack.resource['aws_apigatewayv2_route'] ?? {}).map((r) => r['route_key']);
    expect(routes).toEqual([ROUTE]);
  }, 120_000);

  it('runs in the local cloud: its bundle reads its own table there (404 from the empty table, not a 500)', () => {
    // `npm run invoke` without its build step: the bundles are built or linked above. Needs Java 17 (DynamoDB Local).
    const event = `apps/${NAME}/events/${FUNCTION}/owner-reads-item.json`;
    const run = runIn(copy, 'tsx', ['tools/local-cloud/src/invoke-main.ts', `${NAME}/${FUNCTION}`, '--event', event], { INIT_CWD: copy });
    seconds['local cloud invoke'] = run.seconds;
    const answer = JSON.parse(run.output) as { statusCode: number; body: string };
    expect(answer.statusCode).toBe(404);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'NOT_FOUND', message: 'Item not found' } });
  }, 120_000);
});

interface TerraformJson {
  resource: Record<string, Record<string, Record<string, unknown>>>;
}

function terraform(file: string): TerraformJson {
  return JSON.parse(readFileSync(file, 'utf8')) as TerraformJson;
}
