import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');
const load = createRequire(__filename);
const { inlineSchemaKeys, inlineConstantKeys } = load('../esbuild/inline-schema-keys.cjs') as {
  inlineSchemaKeys: () => Plugin;
  inlineConstantKeys: (source: string) => string;
};

/** Bundles `source` (an entry in the repository root, so that it resolves the SDK) with or without the plugin; the output's text. */
async function bundle(source: string, options: { plugin: boolean; file: string }): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    mainFields: ['module', 'main'],
    outfile: options.file,
    write: true,
    logLevel: 'silent',
    plugins: options.plugin ? [inlineSchemaKeys()] : [],
  });
  expect(result.errors).toEqual([]);
  return readFileSync(options.file, 'utf8');
}

/** A schema module's exports as JSON: a thunk (`() => Other$`) as its text, which the plugin does not touch. */
const asJson = (exports: unknown) => JSON.stringify(exports, (_key, value: unknown) => (typeof value === 'function' ? `fn ${String(value)}` : value));

describe('inlineConstantKeys', () => {
  it('writes a computed key that names a string constant of the file as that string', () => {
    const source = ['const _h = "http";', 'const _e = "error";', 'const _c = "client";', 'export var Op$ = [9, n0, _O, { [_h]: ["POST", "/x", 200] }, () => A$];', 'export var E$ = [-3, n0, _E, {\n  [_e]: _c,\n  [_h]: 400 }];'].join('\n');
    expect(inlineConstantKeys(source)).toBe(
      ['const _h = "http";', 'const _e = "error";', 'const _c = "client";', 'export var Op$ = [9, n0, _O, { "http": ["POST", "/x", 200] }, () => A$];', 'export var E$ = [-3, n0, _E, {\n  "error": _c,\n  "http": 400 }];'].join('\n'),
    );
  });

  it('leaves a key that is not a string constant of the file, and anything that is not a key', () => {
    const source = ['let _v = "mutable";', 'const _n = 3;', 'const _s = "s";', 'var a = { [_v]: 1, [_n]: 2, [_other]: 3 };', 'var b = ok ? [_s]: [];', 'var c = [[_s], 1];'].join('\n');
    expect(inlineConstantKeys(source)).toBe(source);
  });
});

describe('the inline-aws-sdk-schema-keys plugin', () => {
  const dir = mkdtempSync(join(tmpdir(), 'schema-keys-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['client-lambda', 'client-sesv2', 'client-ssm', 'client-dynamodb'])('leaves every schema of @aws-sdk/%s as it was', { timeout: 60_000 }, async (client) => {
    const entry = `module.exports = require('@aws-sdk/${client}/dist-es/schemas/schemas_0.js');`;
    const before = join(dir, `${client}-before.js`);
    const after = join(dir, `${client}-after.js`);
    await bundle(entry, { plugin: false, file: before });
    const rewritten = await bundle(entry, { plugin: true, file: after });
    const schemas = load(after) as Record<string, unknown>;
    expect(Object.keys(schemas).length).toBeGreaterThan(50);
    expect(asJson(schemas)).toBe(asJson(load(before)));
    expect(rewritten).not.toMatch(/\{\s*\[_h\]:/);
  });

  it('lets esbuild drop the operations a bundle does not send', { timeout: 60_000 }, async () => {
    const entry = "import { LambdaClient, InvokeCommand } from '@aws-sdk/client-lambda'; export const send = (c = new LambdaClient({})) => c.send(new InvokeCommand({ FunctionName: 'f' }));";
    const invoke = '/2015-03-31/functions/{FunctionName}/invocations';
    const createAlias = '/2015-03-31/functions/{FunctionName}/aliases';
    const without = await bundle(entry, { plugin: false, file: join(dir, 'invoke-before.js') });
    const withPlugin = await bundle(entry, { plugin: true, file: join(dir, 'invoke-after.js') });
    expect(without).toContain(createAlias);
    expect(withPlugin).toContain(invoke);
    expect(withPlugin).not.toContain(createAlias);
    // Every operation of the Lambda API has a versioned path; with the plugin only Invoke's remains.
    const operationPaths = (code: string) => new Set(code.match(/"\/20\d\d-\d\d-\d\d\/[^"]*"/g)).size;
    expect(operationPaths(without)).toBeGreaterThan(30);
    expect(operationPaths(withPlugin)).toBe(1);
  });
});
