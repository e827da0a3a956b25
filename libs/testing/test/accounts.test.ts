import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApiClient, isVerificationCode, readVerificationCode, verifyContacts } from '../src';

/** A shop that answers the two verification routes and an outbox, as the local cloud does. */
let baseUrl = '';
let outbox: { to: string[]; text: string }[];
let confirmed: { channel: string; code: string }[];
let nextCode: number;
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    const url = new URL(req.url ?? '/', 'http://shop');
    const answer = (status: number, json: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
    if (url.pathname === '/_local/outbox') return answer(200, { messages: outbox.filter((m) => m.to.includes(url.searchParams.get('to') ?? '')) });
    const request = JSON.parse(body || '{}') as { channel: string; code: string };
    if (url.pathname === '/users/me/verification') {
      const to = request.channel === 'email' ? 'ann@example.test' : '+14155550100';
      outbox.push({ to: [to], text: `Your verification code is ${String(nextCode++)}.` });
      return answer(202, {});
    }
    confirmed.push(request);
    return answer(200, {});
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => {
  outbox = [{ to: ['ann@example.test'], text: 'Order 6F1C3F0E is paid' }];
  confirmed = [];
  nextCode = 111111;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('verifying a test customer through the API', () => {
  it('asks for a code on each channel given, reads it from the outbox and confirms it', async () => {
    await verifyContacts(new ApiClient(baseUrl).as('tok'), { email: 'ann@example.test', phone: '+14155550100' });
    expect(confirmed).toEqual([
      { channel: 'email', code: '111111' },
      { channel: 'sms', code: '111112' },
    ]);
  });

  it('confirms the newest code, not an earlier one', async () => {
    outbox.push({ to: ['ann@example.test'], text: 'Your verification code is 999999.' });
    await verifyContacts(new ApiClient(baseUrl).as('tok'), { email: 'ann@example.test' });
    expect(confirmed).toEqual([{ channel: 'email', code: '111111' }]);
  });

  it('fails, saying so, when no new code arrives', async () => {
    await expect(readVerificationCode(new ApiClient(baseUrl), 'ann@example.test', 0, 300)).rejects.toThrow('no new verification code for ann@example.test');
  });

  it('tells a code apart from news of an order', () => {
    expect(isVerificationCode({ text: 'Shop: your verification code is 123456. It expires in 10 minutes.' })).toBe(true);
    expect(isVerificationCode({ text: 'Order 6F1C3F0E is paid' })).toBe(false);
  });
});
