import { request as httpRequest } from 'node:http';
import { TokenRejectedError, type TokenVerifier } from '@shop/auth';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import type { CognitoAccessTokenPayload } from 'aws-jwt-verify/jwt-model';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ApiGateway, MAX_GATEWAY_BODY_BYTES, type RequestLogEntry, type RouteBinding, startApiGateway } from '../src/api-gateway';
import { LambdaRuntime } from '../src/lambda-runtime';
import { Fixtures, logCollector } from './lambda-fixtures';

const fixtures = new Fixtures();
const runtime = new LambdaRuntime({ onLog: logCollector().onLog });
const requests: RequestLogEntry[] = [];
let gateway: ApiGateway;

const CLAIMS = {
  sub: 'u-1',
  'cognito:groups': ['ADMIN', 'CUSTOMER'],
  exp: 1_700_000_000,
  scope: 'aws.cognito.signin.user.admin',
  username: 'ada',
};

/** Stands in for the Cognito verifier: one good token, one expired, anything else forged. */
const verifier: TokenVerifier = {
  verify: async (token) => {
    if (token === 'good-token') return CLAIMS as unknown as CognitoAccessTokenPayload;
    if (token === 'expired-token') throw new TokenRejectedError('expired');
    throw new Error(`Invalid signature for ${token}`);
  },
};

const handlers = {
  echo: `exports.handler = async (event) => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) });`,
  object: `exports.handler = async () => ({ hello: 'world' });`,
  string: `exports.handler = async () => 'featured';`,
  structured: `exports.handler = async () => ({
    statusCode: 201,
    headers: { 'Content-Type': 'text/plain', 'x-custom': 'yes' },
    cookies: ['session=abc; Path=/; HttpOnly', 'theme=dark'],
    body: 'created',
  });`,
  binary: `exports.handler = async () => ({
    statusCode: 200,
    headers: { 'content-type': 'application/octet-stream' },
    body: Buffer.from([0, 1, 2, 255]).toString('base64'),
    isBase64Encoded: true,
  });`,
  malformed: `exports.handler = async () => ({ statusCode: 'soon', body: { not: 'a string' } });`,
  size: `exports.handler = async (event) => ({ statusCode: 200, body: String(Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').byteLength) });`,
  fails: `exports.handler = async () => { throw new Error('boom'); };`,
  slow: `exports.handler = () => new Promise((resolve) => setTimeout(resolve, 10000));`,
};

const routes: RouteBinding[] = [
  { method: 'GET', path: '/products', auth: { kind: 'public' }, functionName: 'object' },
  { method: 'POST', path: '/products', auth: { kind: 'signed-in', roles: ['ADMIN'] }, functionName: 'echo' },
  { method: 'GET', path: '/products/{id}', auth: { kind: 'public' }, functionName: 'echo' },
  { method: 'GET', path: '/products/featured', auth: { kind: 'public' }, functionName: 'string' },
  { method: 'POST', path: '/echo', auth: { kind: 'public' }, functionName: 'echo' },
  { method: 'POST', path: '/things', auth: { kind: 'public' }, functionName: 'structured' },
  { method: 'GET', path: '/binary', auth: { kind: 'public' }, functionName: 'binary' },
  { method: 'GET', path: '/malformed', auth: { kind: 'public' }, functionName: 'malformed' },
  { method: 'POST', path: '/upload', auth: { kind: 'public' }, functionName: 'size' },
  { method: 'GET', path: '/fails', auth: { kind: 'public' }, functionName: 'fails' },
  { method: 'GET', path: '/slow', auth: { kind: 'public' }, functionName: 'slow' },
];

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
  json: () => unknown;
}

/** node:http rather than fetch: it can repeat a header and send a Cookie header. */
function call(method: string, path: string, options: { headers?: Record<string, string | string[]>; body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gateway.url}${path}`, { method, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString('utf8'), json: () => JSON.parse(body.toString('utf8')) });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

async function eventOf(reply: Reply): Promise<APIGatewayProxyEventV2WithJWTAuthorizer> {
  expect(reply.status).toBe(200);
  return reply.json() as APIGatewayProxyEventV2WithJWTAuthorizer;
}

beforeAll(async () => {
  for (const [name, source] of Object.entries(handlers)) {
    runtime.register(fixtures.fn(name, source, name === 'slow' ? { timeoutSeconds: 0.2 } : {}));
  }
  gateway = await startApiGateway({ runtime, routes, verifier, port: 0, onRequest: (entry) => requests.push(entry) });
});

afterAll(async () => {
  await gateway.close();
  await runtime.stop();
  fixtures.cleanup();
});

beforeEach(() => {
  requests.length = 0;
});

describe('routing', () => {
  it('answers 404 ROUTE_NOT_FOUND when no route has the path', async () => {
    const reply = await call('GET', '/nope');
    expect(reply.status).toBe(404);
    expect(reply.json()).toEqual({ error: { code: 'ROUTE_NOT_FOUND', message: 'No route for GET /nope' } });
    expect(reply.headers['apigw-requestid']).toBeTruthy();
    expect(requests).toEqual([expect.objectContaining({ method: 'GET', path: '/nope', status: 404 })]);
  });

  it('answers 405 with Allow when the path exists for other methods', async () => {
    const reply = await call('PATCH', '/products');
    expect(reply.status).toBe(405);
    expect(reply.headers['allow']).toBe('GET, POST');
    expect(reply.json()).toEqual({
      error: { code: 'METHOD_NOT_ALLOWED', message: 'PATCH is not allowed on /products; allowed: GET, POST' },
    });
  });

  it('prefers the literal route and passes decoded path parameters', async () => {
    expect((await call('GET', '/products/featured')).text).toBe('featured');
    const event = await eventOf(await call('GET', '/products/red%20shoe'));
    expect(event.pathParameters).toEqual({ id: 'red shoe' });
    expect(event.routeKey).toBe('GET /products/{id}');
    expect(event.rawPath).toBe('/products/red%20shoe');
  });
});

describe('JWT authorizer', () => {
  it('refuses a request without a token, and does not invoke the function', async () => {
    const reply = await call('POST', '/products', { body: '{}' });
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: expect.stringMatching(/^Missing bearer token/) } });
    expect(requests[0]?.functionName).toBeUndefined();
  });

  it('refuses an Authorization header that is not a bearer token', async () => {
    const reply = await call('POST', '/products', { headers: { authorization: 'Basic YWRhOnB3' } });
    expect(reply.status).toBe(401);
    expect(reply.json()).toMatchObject({ error: { message: expect.stringMatching(/^Malformed Authorization header/) } });
  });

  it('refuses a forged token without echoing it', async () => {
    const reply = await call('POST', '/products', { headers: { authorization: 'Bearer forged-secret-token' } });
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Invalid token' } });
    expect(reply.text).not.toContain('forged-secret-token');
  });

  it('says when a token has expired', async () => {
    const reply = await call('POST', '/products', { headers: { authorization: 'Bearer expired-token' } });
    expect(reply.status).toBe(401);
    expect(reply.json()).toEqual({ error: { code: 'UNAUTHORIZED', message: 'Token expired' } });
  });

  it('hands the claims over as HTTP API does: every value a string, lists as "[A B]"', async () => {
    const event = await eventOf(await call('POST', '/products', { headers: { authorization: 'Bearer good-token' }, body: '{}' }));
    expect(event.requestContext.authorizer.jwt).toEqual({
      claims: {
        sub: 'u-1',
        'cognito:groups': '[ADMIN CUSTOMER]',
        exp: '1700000000',
        scope: 'aws.cognito.signin.user.admin',
        username: 'ada',
      },
      scopes: ['aws.cognito.signin.user.admin'],
    });
  });

  it('gives public routes no authorizer context', async () => {
    const event = await eventOf(await call('GET', '/products/p-1', { headers: { authorization: 'Bearer good-token' } }));
    expect(event.requestContext).not.toHaveProperty('authorizer');
  });
});

describe('the payload format 2.0 event', () => {
  it('carries the request as HTTP API does', async () => {
    const reply = await call('GET', '/products/p-1?tag=a&tag=b&q=x%20y', {
      headers: { 'X-Multi': ['one', 'two'], Cookie: 'session=abc; theme=dark', 'User-Agent': 'test-agent/1.0' },
    });
    const event = await eventOf(reply);

    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /products/{id}',
      rawPath: '/products/p-1',
      rawQueryString: 'tag=a&tag=b&q=x%20y',
      cookies: ['session=abc', 'theme=dark'],
      queryStringParameters: { tag: 'a,b', q: 'x y' },
      pathParameters: { id: 'p-1' },
      isBase64Encoded: false,
    });
    expect(event.headers).toMatchObject({ 'x-multi': 'one,two', 'user-agent': 'test-agent/1.0', 'x-forwarded-proto': 'http' });
    expect(event.headers).not.toHaveProperty('cookie');
    expect(Object.keys(event.headers).every((name) => name === name.toLowerCase())).toBe(true);
    expect(event).not.toHaveProperty('body');

    const host = new URL(gateway.url).host;
    expect(event.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: 'local',
      domainName: host,
      domainPrefix: '127',
      http: { method: 'GET', path: '/products/p-1', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test-agent/1.0' },
      requestId: reply.headers['apigw-requestid'],
      routeKey: 'GET /products/{id}',
      stage: '$default',
    });
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(10_000);
  });

  it('omits queryStringParameters, pathParameters and cookies when there are none', async () => {
    const event = await eventOf(await call('POST', '/echo', { headers: { 'content-type': 'application/json' }, body: '{"a":1}' }));
    expect(event).not.toHaveProperty('queryStringParameters');
    expect(event).not.toHaveProperty('pathParameters');
    expect(event).not.toHaveProperty('cookies');
    expect(event).toMatchObject({ body: '{"a":1}', isBase64Encoded: false });
  });

  it('gives every request its own request id', async () => {
    const [a, b] = await Promise.all([call('GET', '/products/1'), call('GET', '/products/1')]);
    expect(a.headers['apigw-requestid']).not.toBe(b.headers['apigw-requestid']);
  });

  it('base64-encodes a body that is not text', async () => {
    const bytes = Buffer.from([0, 159, 146, 150]);
    const event = await eventOf(await call('POST', '/echo', { headers: { 'content-type': 'application/octet-stream' }, body: bytes }));
    expect(event.isBase64Encoded).toBe(true);
    expect(Buffer.from(event.body ?? '', 'base64')).toEqual(bytes);
  });
});

describe('the integration response', () => {
  it('sends a result without statusCode as a 200 JSON body', async () => {
    const reply = await call('GET', '/products');
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(reply.json()).toEqual({ hello: 'world' });
  });

  it('uses statusCode, headers, cookies and body of a structured result', async () => {
    const reply = await call('POST', '/things');
    expect(reply.status).toBe(201);
    expect(reply.headers['content-type']).toBe('text/plain');
    expect(reply.headers['x-custom']).toBe('yes');
    expect(reply.headers['set-cookie']).toEqual(['session=abc; Path=/; HttpOnly', 'theme=dark']);
    expect(reply.text).toBe('created');
  });

  it('decodes a base64 body', async () => {
    const reply = await call('GET', '/binary');
    expect(reply.body).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('answers 500 for a function error or a malformed result, and 503 for a timeout', async () => {
    for (const path of ['/fails', '/malformed']) {
      const reply = await call('GET', path);
      expect(reply.status).toBe(500);
      expect(reply.json()).toEqual({ message: 'Internal Server Error' });
    }
    const slow = await call('GET', '/slow');
    expect(slow.status).toBe(503);
    expect(slow.json()).toEqual({ message: 'Service Unavailable' });
  });

  it('passes bodies up to 10 MB to the function and refuses bigger ones', async () => {
    const oneMb = await call('POST', '/upload', { headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024) });
    expect(oneMb.status).toBe(200);
    expect(oneMb.text).toBe(String(1024 * 1024));

    const tooBig = await call('POST', '/upload', { body: Buffer.alloc(MAX_GATEWAY_BODY_BYTES + 1) });
    expect(tooBig.status).toBe(413);
    expect(tooBig.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('reports every request to onRequest', async () => {
    await call('GET', '/products');
    await call('GET', '/products');
    expect(requests).toEqual([
      expect.objectContaining({ method: 'GET', path: '/products', status: 200, functionName: 'object' }),
      expect.objectContaining({ method: 'GET', path: '/products', status: 200, functionName: 'object', coldStart: false }),
    ]);
    expect(requests[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });
});
