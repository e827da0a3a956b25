import { describe, expect, it } from 'vitest';
import { type ListingKey, listingCursor } from '../../src/domain/cursor';

const key: ListingKey = {
  productId: '3f1c2a9e-6a7b-4c1d-9e2f-0a1b2c3d4e5f',
  listing: 'LISTED',
  createdAt: '2025-01-02T03:04:05.678Z',
};
const encode = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

describe('cursor codec', () => {
  it('round-trips a page key through an opaque url-safe string', () => {
    const cursor = listingCursor.encode(key);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(listingCursor.decode(cursor)).toEqual(key);
  });

  it.each([
    ['an empty string', ''],
    ['characters outside base64url', 'abc+/def'],
    ['base64 padding', `${listingCursor.encode(key)}=`],
    ['whitespace', ` ${listingCursor.encode(key)}`],
    ['base64url that is not JSON', Buffer.from('not json').toString('base64url')],
    ['a non-canonical spelling of a valid cursor', `${listingCursor.encode(key)}A`],
    ['a truncated cursor', listingCursor.encode(key).slice(0, -4)],
    ['JSON that is a string', encode('LISTED')],
    ['JSON that is an array', encode([key.productId, key.listing, key.createdAt])],
    ['JSON null', encode(null)],
    ['an object with an extra key', encode({ ...key, stock: 1 })],
    ['an object missing a key', encode({ productId: key.productId, listing: key.listing })],
    ['a key that is not a string', encode({ ...key, createdAt: 1735787045 })],
    ['another listing value', encode({ ...key, listing: 'DELETED' })],
    ['a product id that is not an id', encode({ ...key, productId: '' })],
    ['a createdAt that is not a timestamp', encode({ ...key, createdAt: 'yesterday' })],
    // Valid ISO 8601, but longer than DynamoDB takes as a key: it would answer 500, not 400.
    ['a createdAt with 1,400 digits of seconds', encode({ ...key, createdAt: `2025-01-02T03:04:05.${'0'.repeat(1400)}Z` })],
    ['a createdAt not as the shop writes it', encode({ ...key, createdAt: '2025-01-02T03:04:05Z' })],
    ['a DynamoDB-typed key', encode({ productId: { S: key.productId }, listing: { S: 'LISTED' }, createdAt: { S: key.createdAt } })],
  ])('rejects %s', (_, cursor) => {
    expect(listingCursor.decode(cursor)).toBeUndefined();
  });
});
