import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { directoryEntries, zipArchive } from '../src/assets/zip-archive';
import { readZip } from './support/zip-entries';

describe('zipArchive', () => {
  it('stores each file deflated, with its CRC-32, readable back byte for byte', () => {
    const text = Buffer.from('123456789');
    const big = Buffer.from('exports.handler = async () => ({});\n'.repeat(5000));
    const [digits, bundle] = readZip(zipArchive([{ path: 'z.txt', data: text }, { path: 'index.js', data: big }])).sort((a, b) => b.name.localeCompare(a.name));
    // The standard check value of CRC-32.
    expect(digits).toMatchObject({ name: 'z.txt', crc: 0xcbf43926, data: text });
    expect(bundle!.data.equals(big)).toBe(true);
  });

  it('gives the same bytes for the same files, whatever order they come in', () => {
    const a = { path: 'a.js', data: Buffer.from('a') };
    const b = { path: 'b/b.js', data: Buffer.from('b') };
    expect(zipArchive([b, { path: 'b/' }, a]).equals(zipArchive([a, { path: 'b/' }, b]))).toBe(true);
    expect(readZip(zipArchive([b, { path: 'b/' }, a])).map((e) => e.name)).toEqual(['a.js', 'b/', 'b/b.js']);
  });

  it('marks files 644 and folders 755, as Lambda needs to read them', () => {
    const entries = readZip(zipArchive([{ path: 'nodejs/' }, { path: 'nodejs/index.js', data: Buffer.from('x') }]));
    expect(entries.map((e) => [e.name, e.mode.toString(8)])).toEqual([
      ['nodejs/', '40755'],
      ['nodejs/index.js', '100644'],
    ]);
  });

  const dir = mkdtempSync(join(tmpdir(), 'shop-zip-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('takes a folder with its subfolders', () => {
    mkdirSync(join(dir, 'node_modules', '@shop', 'common'), { recursive: true });
    writeFileSync(join(dir, 'node_modules', '@shop', 'common', 'index.js'), 'module.exports = {};');
    expect(readZip(zipArchive(directoryEntries(dir, 'nodejs/'))).map((e) => e.name)).toEqual([
      'nodejs/node_modules/',
      'nodejs/node_modules/@shop/',
      'nodejs/node_modules/@shop/common/',
      'nodejs/node_modules/@shop/common/index.js',
    ]);
  });
});
