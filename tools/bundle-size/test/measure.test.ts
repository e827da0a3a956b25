import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatLayerTable, formatTable, measureBundles, measureLayers } from '../src/measure';

describe('bundle sizes', () => {
  it('measures every handler bundle and prints a total', () => {
    const dist = mkdtempSync(join(tmpdir(), 'bundles-'));
    onTestFinished(() => rmSync(dist, { recursive: true, force: true }));
    mkdirSync(join(dist, 'cart-service'));
    writeFileSync(join(dist, 'cart-service', 'get-cart.js'), 'x'.repeat(2048));
    writeFileSync(join(dist, 'cart-service', 'meta.json'), '{}');
    const sizes = measureBundles(dist);
    expect(sizes).toEqual([{ service: 'cart-service', handler: 'get-cart', bytes: 2048, gzipBytes: expect.any(Number) }]);
    expect(sizes[0]?.gzipBytes).toBeLessThan(2048);
    const table = formatTable(sizes);
    expect(table).toContain('cart-service/get-cart');
    expect(table).toMatch(/total \(1 handlers\)\s+2\.0 KiB/);
  });

  it('measures each layer bundle', () => {
    const dist = mkdtempSync(join(tmpdir(), 'layers-'));
    onTestFinished(() => rmSync(dist, { recursive: true, force: true }));
    for (const [layer, pkg] of [['common-utils', '@shop/common'], ['auth-layer', '@shop/auth']]) {
      mkdirSync(join(dist, layer!, 'nodejs', 'node_modules', pkg!), { recursive: true });
      writeFileSync(join(dist, layer!, 'nodejs', 'node_modules', pkg!, 'index.js'), 'y'.repeat(1024));
    }
    const sizes = measureLayers(dist);
    expect(sizes.map((s) => [s.layer, s.package, s.bytes])).toEqual([
      ['common-utils', '@shop/common', 1024],
      ['auth-layer', '@shop/auth', 1024],
    ]);
    expect(formatLayerTable(sizes)).toMatch(/common-utils \(@shop\/common\)[\s\S]*total \(2 layers\)\s+2\.0 KiB/);
  });
});
