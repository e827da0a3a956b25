import type { EventPattern } from '@shop/platform';
import { describe, expect, it } from 'vitest';
import { matchesPattern, patternProblems } from '../src/eventbridge/event-pattern';

/**
 * EventBridge pattern semantics, one feature per case, each with events that match and events
 * that do not. Events are the shape targets get; only the fields a case looks at are set.
 */

interface Case {
  feature: string;
  pattern: EventPattern;
  matches: unknown[];
  misses: unknown[];
}

const orderEvent = (detail: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderCreated',
  source: 'shop.orders',
  account: '000000000000',
  time: '2026-01-01T00:00:00Z',
  region: 'us-east-1',
  resources: [],
  detail,
  ...extra,
});

const cases: Case[] = [
  {
    feature: 'an exact string',
    pattern: { source: ['shop.orders'] },
    matches: [{ source: 'shop.orders' }],
    misses: [{ source: 'shop.order' }, { source: 'SHOP.ORDERS' }, {}],
  },
  {
    feature: 'any of several exact strings',
    pattern: { 'detail-type': ['OrderPaid', 'OrderCancelled'] },
    matches: [{ 'detail-type': 'OrderPaid' }, { 'detail-type': 'OrderCancelled' }],
    misses: [{ 'detail-type': 'OrderCreated' }],
  },
  {
    feature: 'a number, compared numerically and never with a string',
    pattern: { detail: { quantity: [5] } },
    matches: [{ detail: { quantity: 5 } }, { detail: { quantity: 5.0 } }, { detail: { quantity: 50e-1 } }],
    misses: [{ detail: { quantity: '5' } }, { detail: { quantity: 6 } }],
  },
  {
    feature: 'null',
    pattern: { detail: { reason: [null] } },
    matches: [{ detail: { reason: null } }],
    misses: [{ detail: { reason: 'null' } }, { detail: {} }, { detail: { reason: false } }],
  },
  {
    feature: 'a boolean',
    pattern: { detail: { gift: [true] } },
    matches: [{ detail: { gift: true } }],
    misses: [{ detail: { gift: false } }, { detail: { gift: 'true' } }, { detail: { gift: 1 } }],
  },
  {
    feature: 'prefix',
    pattern: { source: [{ prefix: 'shop.' }] },
    matches: [{ source: 'shop.orders' }, { source: 'shop.' }],
    misses: [{ source: 'Shop.orders' }, { source: 'myshop.orders' }, { source: 5 }],
  },
  {
    feature: 'prefix ignoring case',
    pattern: { source: [{ prefix: { 'equals-ignore-case': 'SHOP.' } }] },
    matches: [{ source: 'shop.orders' }, { source: 'Shop.Payments' }],
    misses: [{ source: 'myshop.orders' }],
  },
  {
    feature: 'suffix',
    pattern: { detail: { file: [{ suffix: '.png' }] } },
    matches: [{ detail: { file: 'logo.png' } }],
    misses: [{ detail: { file: 'logo.PNG' } }, { detail: { file: 'logo.png.txt' } }],
  },
  {
    feature: 'suffix ignoring case',
    pattern: { detail: { file: [{ suffix: { 'equals-ignore-case': '.PNG' } }] } },
    matches: [{ detail: { file: 'logo.png' } }, { detail: { file: 'LOGO.PNG' } }],
    misses: [{ detail: { file: 'logo.jpg' } }],
  },
  {
    feature: 'equals-ignore-case',
    pattern: { detail: { country: [{ 'equals-ignore-case': 'de' }] } },
    matches: [{ detail: { country: 'DE' } }, { detail: { country: 'de' } }],
    misses: [{ detail: { country: 'dk' } }, { detail: { country: 'deu' } }],
  },
  {
    feature: 'wildcard',
    pattern: { detail: { sku: [{ wildcard: 'BOOK-*-2026' }] } },
    matches: [{ detail: { sku: 'BOOK-42-2026' } }, { detail: { sku: 'BOOK--2026' } }, { detail: { sku: 'BOOK-a-b-2026' } }],
    misses: [{ detail: { sku: 'BOOK-42-2025' } }, { detail: { sku: 'book-42-2026' } }, { detail: { sku: 'XBOOK-42-2026' } }],
  },
  {
    feature: 'wildcard with an escaped star',
    pattern: { detail: { note: [{ wildcard: 'five \\* stars*' }] } },
    matches: [{ detail: { note: 'five * stars!' } }],
    misses: [{ detail: { note: 'five big stars' } }],
  },
  {
    feature: 'exists: true (a leaf value, null included)',
    pattern: { detail: { couponCode: [{ exists: true }] } },
    matches: [{ detail: { couponCode: 'SPRING' } }, { detail: { couponCode: null } }, { detail: { couponCode: ['A'] } }],
    misses: [{ detail: {} }, { detail: { couponCode: { code: 'SPRING' } } }, { detail: { couponCode: [] } }],
  },
  {
    feature: 'exists: false',
    pattern: { detail: { cancelledAt: [{ exists: false }] } },
    matches: [{ detail: {} }, {}, { detail: { cancelledAt: { at: 'x' } } }],
    misses: [{ detail: { cancelledAt: '2026-01-01' } }, { detail: { cancelledAt: null } }],
  },
  {
    feature: 'a numeric range, open below and closed above, at its boundaries',
    pattern: { detail: { items: [{ numeric: ['>', 0, '<=', 5] }] } },
    matches: [{ detail: { items: 1 } }, { detail: { items: 5 } }, { detail: { items: 0.5 } }],
    misses: [{ detail: { items: 0 } }, { detail: { items: 5.01 } }, { detail: { items: '3' } }, { detail: {} }],
  },
  {
    feature: 'a numeric range closed below and open above',
    pattern: { detail: { total: [{ numeric: ['>=', 100, '<', 200] }] } },
    matches: [{ detail: { total: 100 } }, { detail: { total: 199.99 } }],
    misses: [{ detail: { total: 99.99 } }, { detail: { total: 200 } }],
  },
  {
    feature: 'numeric equals',
    pattern: { detail: { total: [{ numeric: ['=', 100] }] } },
    matches: [{ detail: { total: 100 } }, { detail: { total: 1e2 } }],
    misses: [{ detail: { total: 100.5 } }],
  },
  {
    feature: 'a numeric upper bound alone',
    pattern: { detail: { total: [{ numeric: ['<', 0] }] } },
    matches: [{ detail: { total: -1 } }],
    misses: [{ detail: { total: 0 } }],
  },
  {
    feature: 'anything-but a value',
    pattern: { detail: { status: [{ 'anything-but': 'CANCELLED' }] } },
    matches: [{ detail: { status: 'PAID' } }, { detail: { status: 'cancelled' } }, { detail: { status: 3 } }],
    misses: [{ detail: { status: 'CANCELLED' } }, { detail: {} }],
  },
  {
    feature: 'anything-but a number',
    pattern: { detail: { attempt: [{ 'anything-but': 1 }] } },
    matches: [{ detail: { attempt: 2 } }],
    misses: [{ detail: { attempt: 1 } }],
  },
  {
    feature: 'anything-but a list',
    pattern: { detail: { status: [{ 'anything-but': ['CANCELLED', 'PAYMENT_FAILED'] }] } },
    matches: [{ detail: { status: 'PAID' } }],
    misses: [{ detail: { status: 'CANCELLED' } }, { detail: { status: 'PAYMENT_FAILED' } }],
  },
  {
    feature: 'anything-but a prefix',
    pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] },
    matches: [{ source: 'shop.orders' }],
    misses: [{ source: 'aws.s3' }, {}],
  },
  {
    feature: 'anything-but a suffix',
    pattern: { detail: { email: [{ 'anything-but': { suffix: '@example.com' } }] } },
    matches: [{ detail: { email: 'ada@shop.test' } }],
    misses: [{ detail: { email: 'ada@example.com' } }],
  },
  {
    feature: 'anything-but ignoring case',
    pattern: { detail: { channel: [{ 'anything-but': { 'equals-ignore-case': ['SMS', 'Push'] } }] } },
    matches: [{ detail: { channel: 'email' } }],
    misses: [{ detail: { channel: 'sms' } }, { detail: { channel: 'PUSH' } }],
  },
  {
    feature: 'an array in the event: any element may match',
    pattern: { detail: { tags: ['gift'] } },
    matches: [{ detail: { tags: ['express', 'gift'] } }, { detail: { tags: [['gift']] } }],
    misses: [{ detail: { tags: ['express'] } }, { detail: { tags: [] } }],
  },
  {
    feature: 'an array of objects: one element must satisfy the whole sub-pattern',
    pattern: { detail: { lines: { sku: ['BOOK-1'], quantity: [{ numeric: ['>=', 2] }] } } },
    matches: [{ detail: { lines: [{ sku: 'PEN-1', quantity: 9 }, { sku: 'BOOK-1', quantity: 2 }] } }],
    misses: [{ detail: { lines: [{ sku: 'BOOK-1', quantity: 1 }, { sku: 'PEN-1', quantity: 9 }] } }],
  },
  {
    feature: 'nested fields inside detail',
    pattern: { detail: { customer: { address: { country: ['DE'] } } } },
    matches: [orderEvent({ customer: { address: { country: 'DE', city: 'Berlin' } } })],
    misses: [orderEvent({ customer: { address: { country: 'FR' } } }), orderEvent({ customer: 'DE' }), orderEvent({})],
  },
  {
    feature: '$or: any alternative',
    pattern: {
      source: ['shop.orders'],
      $or: [{ 'detail-type': ['OrderPaid'] }, { detail: { total: [{ numeric: ['>', 1000] }] } }],
    },
    matches: [
      { source: 'shop.orders', 'detail-type': 'OrderPaid', detail: { total: 1 } },
      { source: 'shop.orders', 'detail-type': 'OrderCreated', detail: { total: 5000 } },
    ],
    misses: [
      { source: 'shop.orders', 'detail-type': 'OrderCreated', detail: { total: 1 } },
      { source: 'shop.payments', 'detail-type': 'OrderPaid', detail: { total: 5000 } },
    ],
  },
  {
    feature: '$or nested inside detail',
    pattern: { detail: { $or: [{ priority: [true] }, { total: [{ numeric: ['>=', 100] }] }] } },
    matches: [{ detail: { priority: true, total: 1 } }, { detail: { total: 100 } }],
    misses: [{ detail: { priority: false, total: 99 } }],
  },
  {
    feature: 'several fields, all required',
    pattern: { source: ['shop.orders'], 'detail-type': ['OrderCreated'], detail: { currency: ['EUR'] } },
    matches: [orderEvent({ currency: 'EUR' })],
    misses: [
      orderEvent({ currency: 'USD' }),
      orderEvent({ currency: 'EUR' }, { source: 'shop.payments' }),
      orderEvent({ currency: 'EUR' }, { 'detail-type': 'OrderPaid' }),
    ],
  },
  {
    feature: 'several matchers on one leaf: any of them',
    pattern: { detail: { status: ['PAID', { prefix: 'CANCEL' }, { exists: false }] } },
    matches: [{ detail: { status: 'PAID' } }, { detail: { status: 'CANCELLED' } }, { detail: {} }],
    misses: [{ detail: { status: 'PENDING' } }],
  },
];

describe('matchesPattern', () => {
  describe.each(cases)('$feature', ({ pattern, matches, misses }) => {
    it('is a valid pattern', () => {
      expect(patternProblems(pattern)).toEqual([]);
    });
    it.each(matches.map((event) => [JSON.stringify(event), event]))('matches %s', (_name, event) => {
      expect(matchesPattern(pattern, event)).toBe(true);
    });
    it.each(misses.map((event) => [JSON.stringify(event), event]))('does not match %s', (_name, event) => {
      expect(matchesPattern(pattern, event)).toBe(false);
    });
  });
});

describe('patternProblems', () => {
  it.each<[string, unknown, string]>([
    ['a pattern that is not an object', ['shop.orders'], 'the pattern must be a JSON object'],
    ['an empty pattern', {}, 'the pattern: empty objects are not allowed'],
    ['a bare value instead of a list', { source: 'shop.orders' }, 'source: must be an object or an array'],
    ['an empty list', { source: [] }, 'source: empty arrays are not allowed'],
    ['an empty nested object', { detail: {} }, 'detail: empty objects are not allowed'],
    ['a list inside a list', { source: [['a']] }, 'source[0]: match value must be a string, number, true, false, null or a matcher object'],
    ['an unknown operator', { detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, 'detail.ip[0].cidr: unsupported operator "cidr"'],
    ['a matcher with two keys', { source: [{ prefix: 'a', suffix: 'b' }] }, 'source[0]: a matcher has exactly one key, found 2'],
    ['a prefix that is not a string', { source: [{ prefix: 5 }] }, 'source[0].prefix: must be a string or {"equals-ignore-case": string}'],
    ['exists that is not a boolean', { detail: { a: [{ exists: 'yes' }] } }, 'detail.a[0].exists: must be true or false'],
    ['consecutive wildcards', { source: [{ wildcard: 'a**b' }] }, 'source[0].wildcard: consecutive wildcard characters are not allowed'],
    ['a bad escape in a wildcard', { source: [{ wildcard: 'a\\b' }] }, 'source[0].wildcard: a backslash may only escape "*" or "\\"'],
    ['an unknown numeric operator', { detail: { n: [{ numeric: ['!=', 1] }] } }, 'detail.n[0].numeric: unrecognized numeric operator "!="'],
    ['a numeric bound that is a string', { detail: { n: [{ numeric: ['>', '1'] }] } }, 'detail.n[0].numeric: ">" must be followed by a number'],
    [
      'a numeric range upside down',
      { detail: { n: [{ numeric: ['<', 5, '>', 0] }] } },
      'detail.n[0].numeric: a range is a lower bound (">" or ">=") followed by an upper bound ("<" or "<=")',
    ],
    ['an empty numeric range', { detail: { n: [{ numeric: ['>', 5, '<', 5] }] } }, 'detail.n[0].numeric: the lower bound must be less than the upper bound'],
    ['numeric equals with a second term', { detail: { n: [{ numeric: ['=', 5, '<', 9] }] } }, 'detail.n[0].numeric: a range is a lower bound (">" or ">=") followed by an upper bound ("<" or "<=")'],
    ['anything-but of mixed types', { detail: { s: [{ 'anything-but': ['a', 1] }] } }, 'detail.s[0].anything-but: the list must hold only strings or only numbers'],
    ['anything-but of null', { detail: { s: [{ 'anything-but': null }] } }, 'detail.s[0].anything-but: must be a string, a number, a list, or {prefix}, {suffix} or {equals-ignore-case}'],
    ['anything-but an empty prefix', { detail: { s: [{ 'anything-but': { prefix: '' } }] } }, 'detail.s[0].anything-but: prefix must be a non-empty string'],
    ['anything-but a wildcard', { detail: { s: [{ 'anything-but': { wildcard: 'a*' } }] } }, 'detail.s[0].anything-but: unsupported operator "wildcard" inside anything-but'],
    ['$or that is not a list', { $or: { source: ['a'] } }, '$or: must be an array of objects'],
    ['$or with one alternative', { $or: [{ source: ['a'] }] }, '$or: must hold at least 2 objects'],
    ['$or holding a value', { detail: { $or: [{ a: ['x'] }, 'b'] } }, 'detail.$or[1]: only objects are allowed in $or'],
    ['a bad matcher inside $or', { $or: [{ source: ['a'] }, { detail: { n: [{ numeric: ['>'] }] } }] }, '$or[1].detail.n[0].numeric: expected [operator, number] or [lower operator, number, upper operator, number]'],
  ])('names %s', (_name, pattern, problem) => {
    expect(patternProblems(pattern)).toEqual([problem]);
  });

  it('names every problem of a pattern, not just the first', () => {
    expect(patternProblems({ source: [], detail: { a: [{ regex: '.*' }], b: 'x' } })).toEqual([
      'source: empty arrays are not allowed',
      'detail.a[0].regex: unsupported operator "regex"',
      'detail.b: must be an object or an array',
    ]);
  });

  it('accepts every matcher the shop uses', () => {
    expect(
      patternProblems({
        source: ['shop.orders'],
        'detail-type': ['OrderCreated', 'OrderPaid', 'OrderCancelled'],
        detail: { total: [{ numeric: ['>=', 0] }], note: [{ exists: false }, { 'anything-but': { suffix: '.test' } }] },
      }),
    ).toEqual([]);
  });
});
