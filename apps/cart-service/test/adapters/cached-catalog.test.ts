import type { CatalogProduct } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { cachedCatalog } from '../../src/adapters/cached-catalog';
import type { Catalog } from '../../src/domain/catalog';
import { CUP, MUG, PLATE, product } from '../fixtures';

/** A catalogue that answers what `shelf` holds now and remembers what it was asked. */
function countingCatalog(shelf: Map<string, CatalogProduct>): Catalog & { asked: string[][] } {
  const asked: string[][] = [];
  return {
    asked,
    async products(ids) {
      asked.push([...ids]);
      return ids.flatMap((id) => (shelf.has(id) ? [shelf.get(id) as CatalogProduct] : []));
    },
  };
}

describe('cachedCatalog', () => {
  it('answers a product it read less than ttlMs ago without asking again, and asks only for the rest', async () => {
    const shelf = new Map([[MUG, product(MUG)], [CUP, product(CUP)]]);
    const inner = countingCatalog(shelf);
    let now = 0;
    const catalog = cachedCatalog(inner, { ttlMs: 1000, now: () => now });

    expect(await catalog.products([MUG], 'c1')).toEqual([product(MUG)]);
    now = 999;
    const both = await catalog.products([MUG, CUP], 'c2');

    expect(both).toEqual(expect.arrayContaining([product(MUG), product(CUP)]));
    expect(both).toHaveLength(2);
    expect(inner.asked).toEqual([[MUG], [CUP]]);
  });

  it('asks again once ttlMs has passed, so a price change or a soft-delete shows within it', async () => {
    const shelf = new Map([[MUG, product(MUG)]]);
    const inner = countingCatalog(shelf);
    let now = 0;
    const catalog = cachedCatalog(inner, { ttlMs: 1000, now: () => now });
    await catalog.products([MUG], 'c1');

    shelf.set(MUG, product(MUG, { listed: false, price: { amount: 1, currency: 'USD' } }));
    now = 1000;

    expect(await catalog.products([MUG], 'c2')).toEqual([product(MUG, { listed: false, price: { amount: 1, currency: 'USD' } })]);
    expect(inner.asked).toEqual([[MUG], [MUG]]);
  });

  it('does not remember that a product is unknown: one created meanwhile is found at the next lookup', async () => {
    const shelf = new Map<string, CatalogProduct>();
    const inner = countingCatalog(shelf);
    const catalog = cachedCatalog(inner, { ttlMs: 1000, now: () => 0 });

    expect(await catalog.products([PLATE], 'c1')).toEqual([]);
    shelf.set(PLATE, product(PLATE));

    expect(await catalog.products([PLATE], 'c2')).toEqual([product(PLATE)]);
  });

  it('forgets a product that the catalogue stopped knowing when it asked again', async () => {
    const shelf = new Map([[MUG, product(MUG)]]);
    const inner = countingCatalog(shelf);
    let now = 0;
    const catalog = cachedCatalog(inner, { ttlMs: 1000, now: () => now });
    await catalog.products([MUG], 'c1');
    shelf.delete(MUG);
    now = 2000;
    expect(await catalog.products([MUG], 'c2')).toEqual([]);
    now = 2001;
    expect(await catalog.products([MUG], 'c3')).toEqual([]);
    expect(inner.asked).toEqual([[MUG], [MUG], [MUG]]);
  });

  it('passes a failure of the catalogue on and remembers nothing from it', async () => {
    const failing: Catalog = { products: () => Promise.reject(new Error('get-products failed')) };
    const catalog = cachedCatalog(failing, { ttlMs: 1000, now: () => 0 });
    await expect(catalog.products([MUG], 'c1')).rejects.toThrow('get-products failed');
  });

  it('asks the catalogue again after clear()', async () => {
    const inner = countingCatalog(new Map([[MUG, product(MUG)]]));
    const catalog = cachedCatalog(inner, { ttlMs: 1000, now: () => 0 });
    await catalog.products([MUG], 'c1');
    catalog.clear();
    await catalog.products([MUG], 'c2');
    await catalog.products([MUG], 'c3');
    expect(inner.asked).toEqual([[MUG], [MUG]]);
  });
});
