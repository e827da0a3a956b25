import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { formatWebSize, measureWeb } from '../src/web-measure';

describe('measureWeb', () => {
  it('counts the entry script and its preloaded modules as initial, and route chunks as lazy', () => {
    const dir = mkdtempSync(join(tmpdir(), 'web-size-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<script type="module" crossorigin src="/assets/index-a.js"></script><link rel="modulepreload" crossorigin href="/assets/vendor-b.js">',
    );
    writeFileSync(join(dir, 'assets', 'index-a.js'), 'x'.repeat(5000));
    writeFileSync(join(dir, 'assets', 'vendor-b.js'), 'y'.repeat(3000));
    writeFileSync(join(dir, 'assets', 'admin-c.js'), 'z'.repeat(8000));
    writeFileSync(join(dir, 'assets', 'index-d.css'), 'body{}');

    const size = measureWeb(dir);

    expect(size.initial.map((f) => f.file)).toEqual(['assets/index-a.js', 'assets/vendor-b.js']);
    expect(size.lazy.map((f) => f.file)).toEqual(['assets/admin-c.js']);
    expect(size.initialGzipBytes).toBe(size.initial[0]!.gzipBytes + size.initial[1]!.gzipBytes);
    expect(formatWebSize(size)).toContain('initial JavaScript:');
  });
});
