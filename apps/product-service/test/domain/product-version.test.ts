import { UpdateProductHeaders } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { etagOf, preconditionOf, versionOf } from '../../src/domain/product-version';

describe('product versions', () => {
  it('counts an item without a version as version 0', () => {
    expect(versionOf({})).toBe(0);
    expect(versionOf({ version: 7 })).toBe(7);
  });

  it('spells a version as a strong entity tag', () => {
    expect(etagOf(7)).toBe('"7"');
  });

  it('reads If-Match as any product, or the versions it lists, each once', () => {
    expect(preconditionOf(undefined)).toBeUndefined();
    expect(preconditionOf('*')).toEqual({ kind: 'any' });
    expect(preconditionOf('"3"')).toEqual({ kind: 'one-of', versions: [3] });
    expect(preconditionOf('"3", "0","3"')).toEqual({ kind: 'one-of', versions: [3, 0] });
  });

  it.each([
    ['a weak tag, which strong comparison never matches', 'W/"3"'],
    ['an unquoted version', '3'],
    ['a tag that is not a version', '"abc"'],
    ['an empty value', ''],
    ['a star among tags', '*, "3"'],
    ['more than 20 tags', Array.from({ length: 21 }, (_, i) => `"${i}"`).join(', ')],
  ])('refuses %s as If-Match', (_, value) => {
    const parsed = UpdateProductHeaders.safeParse({ 'if-match': value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.path).toEqual(['if-match']);
  });

  it('takes up to 20 tags, and no header at all', () => {
    expect(UpdateProductHeaders.safeParse({ 'if-match': Array.from({ length: 20 }, (_, i) => `"${i}"`).join(',') }).success).toBe(true);
    expect(UpdateProductHeaders.safeParse({}).success).toBe(true);
  });
});
