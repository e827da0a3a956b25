import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { authorizeRoute } from '@shop/auth';
import { type HttpEvent, httpHandler } from '@shop/common';
import { httpRoute, loadServices } from '@shop/platform';
import { overheadOf } from './warm-overhead';

/**
 * Runs in its own process (warm-overhead.ts): a real route's wrapper, POST /products with its
 * manifest schema and role check, against a bare handler that does the same work without it.
 * Both "store" the product in a Map (the I/O, stubbed), parse the JSON body and answer JSON: what
 * differs is what the wrapper adds per invocation: authorization, validation, correlation ids,
 * the EMF metric line and the request log line, both written to stdout as on Lambda.
 */

const SERVICE = 'product-service';
const FUNCTION = 'create-product';
const WARM_UP = 500;
const BATCH = 50;

const table = new Map<string, unknown>();
const store = (input: object) => {
  const product = { productId: 'p-1', ...input, createdAt: new Date().toISOString() };
  table.set(product.productId, product);
  return product;
};

const bare = async (event: HttpEvent): Promise<APIGatewayProxyStructuredResultV2> => {
  const input = JSON.parse(event.body ?? '{}') as object;
  return { statusCode: 201, headers: { 'content-type': 'application/json' }, body: JSON.stringify(store(input)) };
};

const event = {
  version: '2.0',
  routeKey: 'POST /products',
  rawPath: '/products',
  rawQueryString: '',
  headers: { 'content-type': 'application/json', 'x-correlation-id': 'bench-correlation-id' },
  body: JSON.stringify({ name: 'Walnut desk', description: 'Solid walnut, oiled', price: { amount: 45_000, currency: 'EUR' }, stock: 12 }),
  isBase64Encoded: false,
  requestContext: {
    requestId: 'bench-request',
    routeKey: 'POST /products',
    http: { method: 'POST', path: '/products', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'bench' },
    authorizer: { jwt: { claims: { sub: 'user-1', username: 'admin', 'cognito:groups': '[ADMIN]' }, scopes: [] } },
  },
} as unknown as HttpEvent;
const context = { awsRequestId: 'bench-invocation' } as Context;

async function timeOne(handler: (event: HttpEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>): Promise<number> {
  const start = performance.now();
  const result = await handler(event, context);
  const elapsed = performance.now() - start;
  if (result.statusCode !== 201) throw new Error(`the handler answered ${result.statusCode}: ${result.body}`);
  return elapsed;
}

async function main(): Promise<void> {
  const invocations = Number(process.argv[2] ?? 5000);
  const service = (await loadServices()).find((s) => s.manifest.name === SERVICE)?.manifest;
  if (!service) throw new Error(`no ${SERVICE} manifest`);
  const route = httpRoute(service, FUNCTION);
  if (route.auth.kind !== 'signed-in') throw new Error(`${SERVICE}/${FUNCTION} is expected to need a signed-in caller`);
  const wrapped = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ body }) => ({ status: 201, body: store(body as object) }));

  for (let i = 0; i < WARM_UP; i++) {
    await timeOne(wrapped);
    await timeOne(bare);
  }
  // Alternating batches, so that whatever else the machine does falls on both alike.
  const samples = { wrapped: [] as number[], bare: [] as number[] };
  while (samples.wrapped.length < invocations) {
    for (let i = 0; i < BATCH; i++) samples.wrapped.push(await timeOne(wrapped));
    for (let i = 0; i < BATCH; i++) samples.bare.push(await timeOne(bare));
  }
  writeSync(3, JSON.stringify(overheadOf(`${SERVICE}/${FUNCTION}`, samples.wrapped, samples.bare)));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
