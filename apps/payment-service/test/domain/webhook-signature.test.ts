import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhookSignature, parseSignatureHeader } from '../../src/domain/webhook-signature';
import { sign } from '../fixtures';

const SECRET = 'whsec_unit';
const NOW = 1_760_000_000;
const body = JSON.stringify({ id: 'evt_1', note: 'naïve café ☕' });
const check = (header: string | undefined, raw: string | Buffer = body, nowSeconds = NOW) =>
  checkWebhookSignature({ header, rawBody: Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8'), secret: SECRET, nowSeconds });

describe('webhook signature', () => {
  it('accepts the contract\'s signature over "<t>.<raw body>", on the body\'s UTF-8 bytes', () => {
    expect(check(sign(body, { secret: SECRET, at: NOW }))).toEqual({ valid: true, signedAt: NOW });
  });

  it('refuses another secret, another body and another timestamp as INVALID_SIGNATURE', () => {
    const header = sign(body, { secret: SECRET, at: NOW });
    expect(check(sign(body, { secret: 'whsec_other', at: NOW }))).toMatchObject({ valid: false, code: 'INVALID_SIGNATURE' });
    expect(check(header, body.replace('café', 'cafe'))).toMatchObject({ valid: false, code: 'INVALID_SIGNATURE' });
    expect(check(header.replace(`t=${NOW}`, `t=${NOW + 1}`))).toMatchObject({ valid: false, code: 'INVALID_SIGNATURE' });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no v1', `t=${NOW}`],
    ['a short v1', `t=${NOW},v1=abc`],
    ['a v1 that is not hex', `t=${NOW},v1=${'z'.repeat(64)}`],
    ['a timestamp that is not a number', `t=soon,v1=${'a'.repeat(64)}`],
    ['two timestamps', `t=${NOW},t=${NOW},v1=${'a'.repeat(64)}`],
    ['a part without "="', `t=${NOW},v1`],
  ])('refuses %s as INVALID_SIGNATURE', (_, header) => {
    expect(check(header)).toMatchObject({ valid: false, code: 'INVALID_SIGNATURE' });
    if (header !== undefined) expect(parseSignatureHeader(header)).toBeUndefined();
  });

  it('accepts any of several v1 signatures (secret rotation) and ignores other schemes', () => {
    const good = sign(body, { secret: SECRET, at: NOW }).split(',')[1];
    expect(check(`t=${NOW},v0=legacy,v1=${'0'.repeat(64)},${good}`)).toMatchObject({ valid: true });
  });

  it('allows 300 s of clock difference either way, and calls anything further STALE_WEBHOOK', () => {
    for (const offset of [-300, -1, 0, 1, 300]) {
      expect(check(sign(body, { secret: SECRET, at: NOW + offset }))).toMatchObject({ valid: true });
    }
    for (const offset of [-301, 301, -3600]) {
      expect(check(sign(body, { secret: SECRET, at: NOW + offset }))).toMatchObject({ valid: false, code: 'STALE_WEBHOOK' });
    }
  });

  it('says INVALID_SIGNATURE, not STALE_WEBHOOK, for a forged old delivery', () => {
    expect(check(sign(body, { secret: 'whsec_other', at: NOW - 3600 }))).toMatchObject({ code: 'INVALID_SIGNATURE' });
  });

  it('checks the exact bytes received, so a body that is not valid UTF-8 can still be verified', () => {
    const raw = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    const v1 = createHmac('sha256', SECRET).update(`${NOW}.`).update(raw).digest('hex');
    expect(check(`t=${NOW},v1=${v1}`, raw)).toMatchObject({ valid: true });
  });
});
