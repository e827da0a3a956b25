import { describe, expect, it } from 'vitest';
import { canonicalJson, requestHash } from '../../src/domain/request-hash';

describe('canonical request body', () => {
  it('spells objects with sorted keys at every level, without whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('keeps array order, which carries meaning', () => {
    expect(canonicalJson([2, 1])).not.toBe(canonicalJson([1, 2]));
  });

  it('leaves out undefined members as JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
    expect(canonicalJson([undefined])).toBe('[null]');
  });

  it('escapes strings and keys as JSON', () => {
    expect(canonicalJson({ 'k"y': 'line\nbreak' })).toBe('{"k\\"y":"line\\nbreak"}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson(() => 1)).toThrow(TypeError);
  });
});

describe('request hash', () => {
  const body = { cartId: '7a1e0c52-3b4d-4e6f-8a9b-0c1d2e3f4a5b', note: { gift: true, to: 'Ann' } };

  it('is the SHA-256 of the canonical body, in hex', () => {
    expect(requestHash({ a: 1 })).toBe('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    expect(requestHash(body)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is the same for the same body whatever its key order', () => {
    expect(requestHash({ note: { to: 'Ann', gift: true }, cartId: body.cartId })).toBe(requestHash(body));
  });

  it('differs when anything in the body differs', () => {
    expect(requestHash({ ...body, cartId: '00000000-0000-4000-8000-000000000000' })).not.toBe(requestHash(body));
    expect(requestHash({ ...body, note: { gift: false, to: 'Ann' } })).not.toBe(requestHash(body));
  });
});
