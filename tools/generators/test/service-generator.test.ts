import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { findRepoRoot } from '@shop/platform';
import { beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_DESCRIPTION, DEPENDENCY_VERSIONS, serviceGenerator, ServiceGeneratorError } from '../src/service/generator';

/**
 * The generator on devkit's in-memory tree: which files it writes, what they say, and the names
 * it refuses. That the files it writes lint, typecheck, test, build, load and synthesize is
 * generate-in-a-copy.test.ts's job, on a copy of the real repository.
 */

const README = [
  '# Serverless shop',
  '',
  '| path | what |',
  '|---|---|',
  '| `apps/cart-service` | one cart per customer — [README](apps/cart-service/README.md) |',
  '| `apps/storefront` | the shop in the browser — [README](apps/storefront/README.md) |',
  '| `libs/common` | the handler wrappers |',
  '',
].join('\n');

const CART_MANIFEST = `import { defineService } from '@shop/platform';
export const service = defineService({
  name: 'cart-service',
  functions: {
    'get-cart': { triggers: [{ type: 'http', method: 'GET', path: '/cart', auth: { kind: 'signed-in' } }] },
    'get-rewards-item': { triggers: [{ type: 'invoke', callers: [] }] },
  },
});
`;

/** A workspace with one service, the storefront and a lib whose package name differs from its project name. */
function shopWorkspace(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  tree.write('README.md', README);
  tree.write('tsconfig.json', JSON.stringify({ files: [], references: [{ path: './apps/cart-service' }] }, null, 2));
  tree.write('apps/cart-service/project.json', JSON.stringify({ name: 'cart-service', root: 'apps/cart-service', tags: ['type:service'] }));
  tree.write('apps/cart-service/package.json', JSON.stringify({ name: '@shop/cart-service' }));
  tree.write('apps/cart-service/src/service.ts', CART_MANIFEST);
  tree.write('apps/storefront/project.json', JSON.stringify({ name: 'storefront', root: 'apps/storefront' }));
  tree.write('libs/common/project.json', JSON.stringify({ name: 'common', root: 'libs/common', tags: ['type:lib'] }));
  tree.write('libs/common/package.json', JSON.stringify({ name: '@shop/common' }));
  tree.write('tools/ui-kit/project.json', JSON.stringify({ name: 'ui-kit', root: 'tools/ui-kit' }));
  tree.write('tools/ui-kit/package.json', JSON.stringify({ name: '@shop/design' }));
  return tree;
}

let tree: Tree;
beforeEach(() => {
  tree = shopWorkspace();
});

const read = (path: string) => tree.read(path, 'utf-8') ?? '';

describe('nx g @shop/generators:service', () => {
  it('writes the service as the others are laid out: manifest, handler, domain, adapter, test, sample event, README, package and project files', async () => {
    await serviceGenerator(tree, { name: 'wishlist-service' });

    const written = tree
      .listChanges()
      .map((change) => change.path)
      .filter((path) => path.startsWith('apps/wishlist-service/'))
      .sort();
    expect(written).toEqual(
      [
        'README.md',
        'eslint.config.mjs',
        'events/get-wishlist-item/owner-reads-item.json',
        'package.json',
        'project.json',
        'src/adapters/dynamodb-item-repository.ts',
        'src/domain/item-repository.ts',
        'src/domain/item.ts',
        'src/handlers/get-wishlist-item.ts',
        'src/service.ts',
        'test/fixtures.ts',
        'test/handlers/get-wishlist-item.test.ts',
        'tsconfig.json',
        'vitest.config.ts',
      ].map((file) => `apps/wishlist-service/${file}`),
    );
  });

  it('names the project, the package, the manifest, the route and the bundle after the service', async () => {
    await serviceGenerator(tree, { name: 'wishlist-service' });

    const project = readJson(tree, 'apps/wishlist-service/project.json');
    expect(project).toMatchObject({ name: 'wishlist-service', projectType: 'application', tags: ['type:service'] });
    expect(project.targets.build.options).toMatchObject({
      outputPath: 'dist/apps/wishlist-service',
      main: 'apps/wishlist-service/src/handlers/get-wishlist-item.ts',
      external: ['@shop/common', '@shop/auth'],
      metafile: true,
    });
    expect(readJson(tree, 'apps/wishlist-service/package.json')).toMatchObject({ name: '@shop/wishlist-service', version: '0.1.0', private: true });

    const manifest = read('apps/wishlist-service/src/service.ts');
    expect(manifest).toContain("name: 'wishlist-service'");
    expect(manifest).toContain(`description: '${DEFAULT_DESCRIPTION}'`);
    expect(manifest).toContain("path: '/wishlist/items/{itemId}'");
    expect(manifest).toContain("'get-wishlist-item': {");
    expect(manifest).toContain('export type WishlistService = typeof service;');
    expect(read('apps/wishlist-service/src/handlers/get-wishlist-item.ts')).toContain("httpRoute(service, 'get-wishlist-item')");

    const sample = readJson(tree, 'apps/wishlist-service/events/get-wishlist-item/owner-reads-item.json');
    expect(sample.routeKey).toBe('GET /wishlist/items/{itemId}');
    expect(sample.rawPath).toBe(`/wishlist/items/${sample.pathParameters.itemId}`);
  });

  it('takes the name as the route prefix when it does not end in -service', async () => {
    await serviceGenerator(tree, { name: 'loyalty' });
    expect(read('apps/loyalty/src/service.ts')).toContain("path: '/loyalty/items/{itemId}'");
    expect(read('apps/loyalty/src/service.ts')).toContain('export type LoyaltyService = typeof service;');
    expect(tree.exists('apps/loyalty/src/handlers/get-loyalty-item.ts')).toBe(true);
  });

  it('puts a description with quotes into the manifest as a valid string, and into the README', async () => {
    const description = "Customers' wish lists, with a \\ and a 'quote'";
    await serviceGenerator(tree, { name: 'wishlist-service', description });
    expect(read('apps/wishlist-service/src/service.ts')).toContain(String.raw`description: 'Customers\' wish lists, with a \\ and a \'quote\'',`);
    expect(read('apps/wishlist-service/README.md')).toContain(description);
  });

  it("leaves the description's full stop out of the README's table, as the other rows do", async () => {
    await serviceGenerator(tree, { name: 'wishlist-service' });
    expect(read('README.md')).toContain(`| \`apps/wishlist-service\` | ${DEFAULT_DESCRIPTION.slice(0, -1)} — [README](apps/wishlist-service/README.md) |`);
  });

  it('lists the service in the root tsconfig.json, once, as nx sync would', async () => {
    await serviceGenerator(tree, { name: 'wishlist-service' });
    expect(readJson(tree, 'tsconfig.json').references).toEqual([{ path: './apps/cart-service' }, { path: './apps/wishlist-service' }]);
  });

  it("adds the service's row to the README's table of projects, after the last service and before the storefront", async () => {
    await serviceGenerator(tree, { name: 'wishlist-service', description: 'Wish lists | saved for later' });
    const rows = read('README.md')
      .split('\n')
      .filter((line) => line.startsWith('| `'));
    expect(rows).toEqual([
      '| `apps/cart-service` | one cart per customer — [README](apps/cart-service/README.md) |',
      '| `apps/wishlist-service` | Wish lists \\| saved for later — [README](apps/wishlist-service/README.md) |',
      '| `apps/storefront` | the shop in the browser — [README](apps/storefront/README.md) |',
      '| `libs/common` | the handler wrappers |',
    ]);
  });

  it('writes no template file whose name Nx, vitest or ESLint would pick up in the generator itself', () => {
    const files = join(__dirname, '../src/service/files');
    const all = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? all(join(dir, entry.name)) : [relative(files, join(dir, entry.name))]));
    expect(all(files).filter((file) => !file.endsWith('__tmpl__'))).toEqual([]);
  });
});

describe('the names it refuses, with the option named', () => {
  it.each([
    ['Wishlist', 'is not kebab-case'],
    ['wishlist_service', 'is not kebab-case'],
    ['1st-service', 'is not kebab-case'],
    ['wish--list', 'is not kebab-case'],
    ['wishlist-', 'is not kebab-case'],
    ['', 'is not kebab-case'],
    ['customer-wishlist-and-saved-carts-service', 'is too long: its function would be called shop-prod-customer-wishlist-and-saved-carts-service-get-customer-wishlist-and-saved-carts-item in AWS, 94 characters'],
    ['cart-service', 'apps/cart-service already exists'],
    ['storefront', 'apps/storefront already exists'],
    ['common', 'is already the name of the project in libs/common'],
    ['design', 'the package @shop/design already exists'],
    ['cart', 'would start with /cart, which cart-service already serves'],
    ['rewards-service', 'its function get-rewards-item would share its OpenAPI operation id with cart-service/get-rewards-item'],
  ])('%j: %s', async (name, problem) => {
    const before = tree.listChanges().length;
    await expect(serviceGenerator(tree, { name })).rejects.toThrow(ServiceGeneratorError);
    await expect(serviceGenerator(tree, { name })).rejects.toThrow(`name: `);
    await expect(serviceGenerator(tree, { name })).rejects.toThrow(problem);
    expect(tree.listChanges()).toHaveLength(before);
  });

  it('accepts the longest name whose function fits, and refuses one a character longer', async () => {
    // shop-prod-<name>-get-<prefix>-item: 64 characters with a 26-character name ending in -service;
    // each character more of the name is one more in the prefix too.
    await expect(serviceGenerator(tree, { name: `${'a'.repeat(18)}-service` })).resolves.toBeTypeOf('function');
    await expect(serviceGenerator(tree, { name: `${'b'.repeat(19)}-service` })).rejects.toThrow('66 characters where Lambda allows 64');
  });

  it('refuses a description of several lines, naming the option', async () => {
    await expect(serviceGenerator(tree, { name: 'wishlist-service', description: 'one\ntwo' })).rejects.toThrow('description: one line');
    expect(tree.exists('apps/wishlist-service')).toBe(false);
  });
});

describe('the packages a generated service depends on', () => {
  it("are at the ranges the repository's services declare, so npm keeps one copy of each", () => {
    const apps = join(findRepoRoot(), 'apps');
    const declared = readdirSync(apps)
      .map((dir) => join(apps, dir, 'package.json'))
      .filter((file) => existsSync(file))
      .map((file) => JSON.parse(readFileSync(file, 'utf8')) as { dependencies?: Record<string, string> });
    for (const [name, range] of Object.entries(DEPENDENCY_VERSIONS)) {
      const ranges = new Set(declared.flatMap((pkg) => (pkg.dependencies?.[name] ? [pkg.dependencies[name]] : [])));
      expect([...ranges], name).toEqual([range]);
    }
  });
});
