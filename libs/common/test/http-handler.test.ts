import type { Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { ConflictError, type HttpEvent, httpHandler, MAX_BODY_BYTES } from '../src';

const context = { awsRequestId: 'aws-req-1' } as Context;

function event(overrides: Partial<HttpEvent> = {}): HttpEvent {
  return {
    version: '2.0',
    routeKey: 'POST /things',
    rawPath: '/things',
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: '/things', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'req-1',
      routeKey: 'POST /things',
      stage: '$default',
      time: '01/Jan/2026:00:00:00 +0000',
      timeEpoch: 0,
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: {}, scopes: [] } },
    },
    isBase64Encoded: false,
    ...overrides,
  };
}

const Thing = z.strictObject({ name: z.string().max(5), count: z.int().min(0) });
const route = {
  request: {
    body: Thing,
    query: z.strictObject({ limit: z.coerce.number().int().max(10).optional() }),
  },
  response: { status: 201, body: Thing },
  errors: [409],
};

function parse(result: Awaited<ReturnType<ReturnType<typeof httpHandler>>>) {
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined, headers: result.headers ?? {} };
}

describe('httpHandler', () => {
  const handle = vi.fn(async ({ body }: { body: z.output<typeof Thing> }) => ({ status: 201, body }));
  const handler = httpHandler(route, { authorize: () => undefined }, handle);

  it('answers what the handler returns, as JSON, with the correlation id', async () => {
    const res = parse(await handler(event({ body: '{"name":"ab","count":2}', headers: { 'x-correlation-id': 'corr-42' } }), context));
    expect(res).toMatchObject({ status: 201, body: { name: 'ab', count: 2 } });
    expect(res.headers['x-correlation-id']).toBe('corr-42');
    expect(res.headers['content-type']).toBe('application/json');
  });

  it("keeps an offered correlation id that is an API Gateway request id (base64, with '=')", async () => {
    const res = parse(await handler(event({ body: '{"name":"ab","count":2}', headers: { 'x-correlation-id': 'JDrW5jBuoAMEVvg=' } }), context));
    expect(res.headers['x-correlation-id']).toBe('JDrW5jBuoAMEVvg=');
  });

  it('falls back to the request id when the offered correlation id is unsafe', async () => {
    const res = parse(await handler(event({ body: '{"name":"ab","count":2}', headers: { 'x-correlation-id': 'bad id\n' } }), context));
    expect(res.headers['x-correlation-id']).toBe('req-1');
  });

  it.each([
    ['malformed JSON', '{"name":', 'INVALID_JSON', 'body'],
    ['a wrong type', '{"name":"ab","count":"2"}', 'VALIDATION_FAILED', 'count'],
    ['a missing field', '{"name":"ab"}', 'VALIDATION_FAILED', 'count'],
    ['an unknown field', '{"name":"ab","count":1,"admin":true}', 'VALIDATION_FAILED', 'admin'],
    ['a string over its limit', '{"name":"abcdef","count":1}', 'VALIDATION_FAILED', 'name'],
    ['a negative number', '{"name":"ab","count":-1}', 'VALIDATION_FAILED', 'count'],
    ['a fractional number', '{"name":"ab","count":1.5}', 'VALIDATION_FAILED', 'count'],
    ['no body', undefined, 'BODY_REQUIRED', 'body'],
  ])('answers 400 naming the field for %s, without calling the handler', async (_case, body, code, field) => {
    handle.mockClear();
    const res = parse(await handler(event(body === undefined ? {} : { body }), context));
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    expect(res.body.error.message).toContain(field === 'body' ? '' : field);
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers 400 for a bad query parameter', async () => {
    const res = parse(await handler(event({ body: '{"name":"a","count":1}', queryStringParameters: { limit: 'lots' } }), context));
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('limit');
  });

  it('answers 413 for a body over 64 KB before parsing it', async () => {
    handle.mockClear();
    const big = JSON.stringify({ name: 'a', count: 1, pad: 'x'.repeat(MAX_BODY_BYTES) });
    const res = parse(await handler(event({ body: big }), context));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers 400 INVALID_ENCODING for a body that is not UTF-8, rather than storing U+FFFD in its place', async () => {
    handle.mockClear();
    const body = Buffer.from('{"name":"a\xff","count":1}', 'latin1').toString('base64');
    const res = parse(await handler(event({ body, isBase64Encoded: true }), context));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_ENCODING', details: [{ field: 'body', message: 'not valid UTF-8' }] });
    expect(handle).not.toHaveBeenCalled();
  });

  it.each([
    ['a string', String.raw`{"name":"a\ud800","count":1}`, 'name'],
    ['a trailing low surrogate', String.raw`{"name":"\udc00a","count":1}`, 'name'],
    ['a key', String.raw`{"name":"ab","count":1,"\udfff":1}`, '\udfff'],
    ['a nested string', String.raw`{"name":"ab","count":1,"tags":[{"x":"\ud83d"}]}`, 'tags.0.x'],
  ])('answers 400 INVALID_ENCODING naming the field for a lone surrogate in %s: valid JSON, but not text', async (_, body, field) => {
    handle.mockClear();
    const res = parse(await handler(event({ body }), context));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_ENCODING', details: [{ field, message: 'not valid Unicode (a lone surrogate)' }] });
    expect(handle).not.toHaveBeenCalled();
  });

  it('answers a lone surrogate nested thousands deep 400, naming where it starts, in a few milliseconds: never a 500 from the stack', async () => {
    handle.mockClear();
    const depth = 30_000;
    const body = `{"name":"ab","count":1,"tags":${'['.repeat(depth)}"\\ud800"${']'.repeat(depth)}}`;
    const started = performance.now();
    const res = parse(await handler(event({ body }), context));
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'INVALID_ENCODING', details: [{ field: 'tags.0.0.0.0.0.0.0.…' }] });
    // A well-formed pair nested as deep is not walked: the schema answers it.
    const pair = `{"name":"ab","count":1,"tags":${'['.repeat(depth)}"\\ud83d\\ude00"${']'.repeat(depth)}}`;
    expect(parse(await handler(event({ body: pair }), context)).body.error.code).toBe('VALIDATION_FAILED');
    expect(handle).not.toHaveBeenCalled();
  });

  it('takes a character outside the BMP, escaped as a surrogate pair or sent as it is, and a backslash before "ud8"', async () => {
    for (const body of [String.raw`{"name":"a\ud83d\ude00","count":1}`, '{"name":"a😀","count":1}', String.raw`{"name":"\\ud8","count":1}`]) {
      const res = parse(await handler(event({ body }), context));
      expect(res.status, body).toBe(201);
    }
  });

  it('never quotes a malformed body, in its answer or its log: it may hold a password', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => lines.push(String(chunk)) > 0);
    vi.stubEnv('LOG_LEVEL', 'debug');
    vi.resetModules();
    const fresh = await import('../src/index.js');
    const wrapped = fresh.httpHandler(route, { authorize: () => undefined }, handle);
    try {
      const res = parse(await wrapped(event({ body: `{"name":"ab","count":1,"password":'Correct-Horse-7'}` }), context));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INVALID_JSON');
      expect(JSON.stringify(res.body)).not.toContain('Correct');
      expect(lines.join('')).toContain('Request body is not valid JSON');
      expect(lines.join('')).not.toContain('Correct');
    } finally {
      vi.restoreAllMocks();
      vi.unstubAllEnvs();
    }
  });

  it('decodes base64 bodies', async () => {
    const body = Buffer.from('{"name":"b64","count":3}').toString('base64');
    const res = parse(await handler(event({ body, isBase64Encoded: true }), context));
    expect(res.body).toEqual({ name: 'b64', count: 3 });
  });

  it('runs authorize before reading the body', async () => {
    const denied = httpHandler(route, { authorize: () => { throw new ConflictError('nope'); } }, handle);
    const res = parse(await denied(event({ body: '{not json' }), context));
    expect(res.status).toBe(409);
  });

  it("types the handler's answer by the route's response schema (checked by the typecheck target)", () => {
    const authorize = () => undefined;
    // @ts-expect-error: the route answers a Thing, whose count is a number
    const wrongBody = httpHandler(route, { authorize }, async () => ({ status: 201, body: { name: 'ab', count: 'two' } }));
    // @ts-expect-error: the route promises a body
    const noBody = httpHandler(route, { authorize }, async () => ({ status: 201 }));
    // @ts-expect-error: a route that declares no response body answers none
    const strayBody = httpHandler({ response: { status: 204 } } as const, { authorize }, async () => ({ status: 204, body: { name: 'ab' } }));
    const right = httpHandler(route, { authorize }, async () => ({ status: 201, body: { name: 'ab', count: 2 } }));
    expect([wrongBody, noBody, strayBody, right].every((h) => typeof h === 'function')).toBe(true);
  });

  it('maps typed errors to their status and code', async () => {
    const conflicting = httpHandler({ errors: [409] }, { authorize: () => undefined }, async () => {
      throw new ConflictError('already there', 'DUPLICATE');
    });
    expect(parse(await conflicting(event(), context))).toMatchObject({ status: 409, body: { error: { code: 'DUPLICATE', message: 'already there' } } });
  });

  it('hides unexpected errors behind a 500 with no internals', async () => {
    const broken = httpHandler({}, { authorize: () => undefined }, async () => {
      throw new Error('connection string postgres://secret');
    });
    const res = parse(await broken(event(), context));
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it('checks headers the route names, and answers 400 naming the header', async () => {
    const keyed = httpHandler(
      {
        request: { headers: z.object({ 'idempotency-key': z.string().min(8) }) },
        response: { status: 200, body: z.object({ key: z.string(), agent: z.string().optional() }) },
      },
      { authorize: () => undefined },
      async ({ headers }) => ({ body: { key: headers['idempotency-key'], agent: headers['user-agent'] } }),
    );
    const missing = parse(await keyed(event(), context));
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].field).toBe('idempotency-key');
    const ok = parse(await keyed(event({ headers: { 'idempotency-key': 'key-12345', 'user-agent': 'curl' } }), context));
    expect(ok.body).toEqual({ key: 'key-12345', agent: 'curl' });
  });

  it('answers 204 with no body and no content type', async () => {
    const empty = httpHandler({}, { authorize: () => undefined }, async () => ({ status: 204 }));
    const res = await empty(event(), context);
    expect(res.statusCode).toBe(204);
    expect(res.body).toBeUndefined();
    expect(res.headers?.['content-type']).toBeUndefined();
  });
});
