import type { ServiceManifest } from '@shop/platform';
import { loadManifests } from '@shop/platform';
import { beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD_POLICY } from '@shop/contracts';
import { httpRoutes, openApiDocument, operationId } from '../src/openapi';
import { passwordRules } from '../src/route-documentation';

interface Operation {
  operationId: string;
  description?: string;
  security: Record<string, string[]>[];
  parameters?: ({ name: string; in: string; required: boolean } | { $ref: string })[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> & { required?: string[]; properties?: Record<string, Record<string, unknown>> } }> };
  responses: Record<string, { $ref?: string; headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }>;
}

let manifests: ServiceManifest[];
let document: { paths: Record<string, Record<string, Operation>>; components: Record<string, Record<string, { description?: string }>> };
let paths: Record<string, Record<string, Operation>>;

beforeAll(async () => {
  manifests = await loadManifests();
  document = openApiDocument(manifests) as typeof document;
  paths = document.paths;
});

const operations = () => Object.values(paths).flatMap((item) => Object.values(item));

describe('openApiDocument', () => {
  it('documents every route of every manifest under its path and method', () => {
    const routes = httpRoutes(manifests);
    expect(routes.length).toBeGreaterThan(0);
    for (const { service, functionName, trigger } of routes) {
      expect(paths[trigger.path]?.[trigger.method.toLowerCase()]?.operationId, `${service}/${functionName}`).toBe(operationId(functionName));
    }
    const documented = Object.values(paths).reduce((n, item) => n + Object.keys(item).length, 0);
    expect(documented).toBe(routes.length);
  });

  it('asks a signed-in route for a bearer token and names its roles, and a public route for nothing', () => {
    const createProduct = paths['/products']?.post;
    expect(createProduct?.security).toEqual([{ bearerAuth: [] }]);
    expect(createProduct?.description).toBe('Roles: ADMIN, MANAGER');
    expect(createProduct?.responses).toHaveProperty('401');

    const listProducts = paths['/products']?.get;
    expect(listProducts?.security).toEqual([]);
    expect(listProducts?.responses).not.toHaveProperty('401');
  });

  it('requires name, price and stock to create a product and refuses other properties', () => {
    const schema = paths['/products']?.post?.requestBody?.content['application/json']?.schema;
    expect(schema?.required).toEqual(expect.arrayContaining(['name', 'price', 'stock']));
    expect(schema?.additionalProperties).toBe(false);
  });

  it('documents the idempotency key of POST /orders as a required header', () => {
    expect(paths['/orders']?.post?.parameters).toContainEqual(expect.objectContaining({ name: 'idempotency-key', in: 'header', required: true }));
  });

  it("answers 204 without a body, every error with the shared Error schema, and API Gateway's own shape too where it answers the status itself", () => {
    const deleteProduct = paths['/products/{id}']?.delete;
    expect(deleteProduct?.responses['204']?.content).toBeUndefined();
    const schemaOf = (status: string) => deleteProduct?.responses[status]?.content?.['application/json']?.schema;
    for (const status of ['400', '404', '412']) expect(schemaOf(status)).toEqual({ $ref: '#/components/schemas/Error' });
    // The JWT authorizer (401, 403), a failed function (500), one that did not answer in time (503).
    for (const status of ['401', '403', '500', '503']) {
      expect(schemaOf(status), status).toEqual({ oneOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GatewayError' }] });
    }
    expect(Object.keys(deleteProduct?.responses['503']?.headers ?? {})).toContain('retry-after');
  });

  it("answers 503 on every operation: API Gateway's own when a function does not answer in time, in both shapes where the route answers 503 itself", () => {
    const bothShapes = { oneOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GatewayError' }] };
    for (const op of operations()) {
      const answer = op.responses['503'];
      expect(answer, op.operationId).toBeDefined();
      if (answer?.$ref === undefined) expect(answer?.content?.['application/json']?.schema, op.operationId).toEqual(bothShapes);
      else expect(answer.$ref, op.operationId).toBe('#/components/responses/GatewayTimeout');
    }
    // Routes that never answer 503 themselves get only API Gateway's, which sends no Retry-After.
    for (const op of [paths['/products']?.get, paths['/orders/{orderId}']?.get, paths['/users/login']?.post]) {
      expect(op?.responses['503'], op?.operationId).toEqual({ $ref: '#/components/responses/GatewayTimeout' });
    }
    const timeout = document.components['responses']?.['GatewayTimeout'] as { headers?: unknown; content?: Record<string, { schema: unknown }> };
    expect(timeout.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/GatewayError' });
    expect(timeout.headers).toBeUndefined();
  });

  it("documents Retry-After on the shop's own 429s and 503s and where a route declares it, and nowhere else", () => {
    const processPayment = paths['/payment/process']?.post;
    for (const status of ['409', '502']) expect(Object.keys(processPayment?.responses[status]?.headers ?? {}), status).toContain('retry-after');
    for (const op of operations()) {
      for (const [status, answer] of Object.entries(op.responses)) {
        const declared = op.operationId === 'processPayment' && (status === '409' || status === '502');
        const ownRetryable = (status === '429' || status === '503') && answer.$ref === undefined;
        expect(Object.keys(answer.headers ?? {}).includes('retry-after'), `${op.operationId} ${status}`).toBe(declared || ownRetryable);
      }
    }
  });

  it('refuses headers documented for a status the route does not answer', () => {
    // process-payment documents Retry-After on its 502: a manifest that no longer declares 502 must not drop it silently.
    const without502 = manifests.map((m) =>
      m.name !== 'payment-service'
        ? m
        : {
            ...m,
            functions: Object.fromEntries(
              Object.entries(m.functions).map(([name, fn]) => [
                name,
                { ...fn, triggers: fn.triggers.map((t) => (t.type === 'http' ? { ...t, errors: t.errors?.filter((s) => s !== 502) } : t)) },
              ]),
            ),
          },
    );
    expect(() => openApiDocument(without502)).toThrow(/payment-service\/process-payment: headers for 502/);
  });

  it('documents 403 on every signed-in operation: the JWT authorizer refuses a token of the wrong kind even where no role is checked', () => {
    for (const op of operations().filter((o) => o.security?.length)) expect(op.responses['403'], op.operationId).toBeDefined();
  });

  it('names operations with camelCase identifiers derived from the function names', () => {
    expect(operationId('create-order')).toBe('createOrder');
    expect(paths['/orders']?.post?.operationId).toBe('createOrder');
    for (const op of operations()) expect(op.operationId).toMatch(/^[a-z][A-Za-z0-9]*$/);
  });

  it('describes the bearer token as the access token of POST /users/login', () => {
    expect(document.components['securitySchemes']?.['bearerAuth']?.description).toMatch(/access token: the `token` field of `POST \/users\/login`/);
  });

  it('answers 405 with Allow on every operation, 413 wherever a body is taken, and 429 when throttled', () => {
    for (const op of operations()) {
      expect(op.responses['405']).toEqual({ $ref: '#/components/responses/MethodNotAllowed' });
      expect(op.responses['429']).toBeDefined();
      if (op.requestBody) expect(op.responses['413'], op.operationId).toEqual({ $ref: '#/components/responses/PayloadTooLarge' });
    }
    // The stage's throttling, where the operation does not answer 429 itself...
    expect(paths['/products']?.get?.responses['429']).toEqual({ $ref: '#/components/responses/TooManyRequests' });
    // ...and an operation's own 429 (Cognito's throttling, a code asked for too often), in either shape, with when to retry.
    const verification = paths['/users/me/verification']?.post?.responses['429'];
    expect(verification?.content?.['application/json']?.schema).toEqual({ oneOf: [{ $ref: '#/components/schemas/Error' }, { $ref: '#/components/schemas/GatewayError' }] });
    expect(Object.keys(verification?.headers ?? {})).toContain('retry-after');
    expect(JSON.stringify(document.components['responses']?.['MethodNotAllowed'])).toContain('"Allow"');
  });

  it('takes an x-correlation-id on every operation and answers it back with x-request-id', () => {
    for (const op of operations()) {
      expect(op.parameters).toContainEqual({ $ref: '#/components/parameters/CorrelationId' });
      const ok = Object.entries(op.responses).find(([status]) => status.startsWith('2'))?.[1];
      expect(Object.keys(ok?.headers ?? {}).slice(0, 2)).toEqual(['x-correlation-id', 'x-request-id']);
    }
  });

  it('documents the ETag that GET and PUT /products/{id} answer, for If-Match', () => {
    for (const op of [paths['/products/{id}']?.get, paths['/products/{id}']?.put]) {
      expect(op?.responses['200']?.headers?.['etag']).toMatchObject({ required: true, schema: { type: 'string' } });
    }
    expect(paths['/products']?.get?.responses['200']?.headers).not.toHaveProperty('etag');
  });

  it("documents the webhook's signed ProviderEvent body, its signature header and its 200 for a duplicate", () => {
    const webhook = paths['/payment/webhook']?.post;
    expect(webhook?.parameters).toContainEqual(expect.objectContaining({ name: 'provider-signature', in: 'header', required: true }));
    expect(JSON.stringify(webhook?.requestBody)).toContain('charge.succeeded');
    expect(webhook?.responses['200']?.content).toBeDefined();
    expect(webhook?.responses['202']).toBeDefined();
    expect(webhook?.responses['401']).toBeDefined();
  });

  it("states the password policy on registration and 'at least one field' on a product update", () => {
    const password = paths['/users/register']?.post?.requestBody?.content['application/json']?.schema.properties?.['password'];
    expect(password).toMatchObject({ minLength: PASSWORD_POLICY.minimumLength });
    const pattern = new RegExp(String(password?.['pattern']));
    expect(pattern.test('Sturdy-Passw0rd')).toBe(true);
    for (const weak of ['sturdy-passw0rd', 'STURDY-PASSW0RD', 'Sturdy-Password']) expect(pattern.test(weak), weak).toBe(false);
    expect(paths['/products/{id}']?.put?.requestBody?.content['application/json']?.schema['minProperties']).toBe(1);
  });

  it('writes a policy without character rules as a length alone', () => {
    expect(passwordRules({ ...PASSWORD_POLICY, requireLowercase: false, requireUppercase: false, requireNumbers: false })).not.toHaveProperty('pattern');
  });
});
