import { STATUS_CODES } from 'node:http';
import { MAX_BODY_BYTES } from '@shop/common';
import { type HttpTrigger, routeErrorStatuses, type ServiceManifest } from '@shop/platform';
import * as z from 'zod/mini';
import { type JsonSchema, RETRY_AFTER, type ResponseHeader, routeDocumentation } from './route-documentation';

/** An HTTP route with the function it runs. */
export interface HttpRoute {
  service: string;
  functionName: string;
  trigger: HttpTrigger;
}

/** Every HTTP route of every service, ordered by path and then method. */
export function httpRoutes(manifests: readonly ServiceManifest[]): HttpRoute[] {
  const routes = manifests.flatMap((service) =>
    Object.entries(service.functions).flatMap(([functionName, fn]) =>
      fn.triggers
        .filter((t): t is HttpTrigger => t.type === 'http')
        .map((trigger) => ({ service: service.name, functionName, trigger })),
    ),
  );
  return routes.sort((a, b) => compare(a.trigger.path, b.trigger.path) || METHODS.indexOf(a.trigger.method) - METHODS.indexOf(b.trigger.method));
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const ERROR_SCHEMA_REF = { $ref: '#/components/schemas/Error' };

/** The id headers every answer of a handler carries (`httpHandler` in @shop/common). */
const ID_HEADERS = {
  'x-correlation-id': { $ref: '#/components/headers/CorrelationId' },
  'x-request-id': { $ref: '#/components/headers/RequestId' },
};

/**
 * Statuses API Gateway answers itself too, in its own shape (`{message}`), besides the shop's own
 * errors: its JWT authorizer's 401 and 403 (a token missing, expired, or of the wrong kind), its
 * throttling (429), a function that failed (500) or took longer than the integration allows (503).
 * A client must read both shapes.
 */
const GATEWAY_ANSWERS: ReadonlySet<number> = new Set([401, 403, 429, 500, 503]);

/**
 * An error answer of an operation: the shop's error shape, or API Gateway's too where it answers the
 * status itself. The shop's own 429s and 503s say when to try again; other statuses carry the
 * headers the route documents for them.
 */
function errorResponse(status: number, documentedHeaders: Record<string, ResponseHeader> | undefined): Record<string, unknown> {
  const schema = GATEWAY_ANSWERS.has(status) ? { oneOf: [ERROR_SCHEMA_REF, { $ref: '#/components/schemas/GatewayError' }] } : ERROR_SCHEMA_REF;
  const retryAfter = status === 429 || status === 503 ? { 'retry-after': RETRY_AFTER } : {};
  return { description: STATUS_CODES[status] ?? 'Error', headers: { ...ID_HEADERS, ...retryAfter, ...documentedHeaders }, content: { 'application/json': { schema } } };
}

/** What `isSafeCorrelationId` (@shop/common) takes; anything else is replaced by the request id. */
const CORRELATION_ID_SCHEMA: JsonSchema = { type: 'string', pattern: '^[A-Za-z0-9._\\-+/=]{1,128}$' };

/** Answers shared by many operations, described once. */
const SHARED_RESPONSES: Record<string, unknown> = {
  PayloadTooLarge: {
    description: `The body is larger than ${MAX_BODY_BYTES / 1024} KB`,
    headers: ID_HEADERS,
    content: { 'application/json': { schema: ERROR_SCHEMA_REF } },
  },
  MethodNotAllowed: {
    description:
      'The path does not take the method used (answered by the API for any method a path lacks, before any function runs); `Allow` lists the methods it takes',
    headers: {
      Allow: { description: 'The methods the path takes, such as `GET, POST`', required: true, schema: { type: 'string' } },
    },
    content: { 'application/json': { schema: ERROR_SCHEMA_REF } },
  },
  TooManyRequests: {
    description: "The stage's throttling limit was reached (API Gateway's own answer): wait, then retry",
    content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } } },
  },
  // No Retry-After: API Gateway sends none (tools/local-cloud's api-gateway.ts answers as it does).
  GatewayTimeout: {
    description:
      "The function did not answer in time (API Gateway's own answer, without `Retry-After`): the request may have done its work all the same, so send it again only where that is safe (with the same `Idempotency-Key`, or a request that sets a state)",
    content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } } },
  },
};

/** The answer of every failed request (`errorBody` in @shop/common). */
const ERROR_SCHEMA: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable, machine-readable: BAD_REQUEST, NOT_FOUND, CONFLICT, ...' },
        message: { type: 'string' },
        details: {
          type: 'array',
          description: 'Which fields of the request failed validation, on a 400: `field` is a dotted path (`price.amount`), or `body`, `query`, `path` for the whole.',
          items: {
            type: 'object',
            required: ['field', 'message'],
            properties: { field: { type: 'string' }, message: { type: 'string' } },
            additionalProperties: false,
          },
        },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

/** The OpenAPI 3.1 document of the shop's HTTP API, built from the manifests' routes. */
export function openApiDocument(manifests: readonly ServiceManifest[]): Record<string, unknown> {
  const services = [...manifests].sort((a, b) => compare(a.name, b.name));
  const paths: Record<string, Record<string, unknown>> = {};
  const routes = httpRoutes(manifests);
  assertUniqueOperationIds(routes);
  for (const route of routes) {
    const item = (paths[route.trigger.path] ??= {});
    item[route.trigger.method.toLowerCase()] = operation(route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Serverless shop HTTP API',
      version: '0.1.0',
      description: 'Generated by `npm run docs` from the service manifests (`apps/*/src/service.ts`); do not edit.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the same document serves the local cloud (http://localhost:3000 under `npm start`) and every deployed stage.
    servers: [{ url: '/', description: "The API's base URL: http://localhost:3000 under `npm start`, the stage's API Gateway URL on AWS" }],
    tags: services
      .filter((s) => httpRoutes([s]).length > 0)
      .map((s) => ({ name: s.name, description: s.description })),
    paths,
    components: {
      schemas: {
        Error: ERROR_SCHEMA,
        GatewayError: {
          type: 'object',
          required: ['message'],
          properties: { message: { type: 'string' } },
          description:
            "API Gateway's own answer, where no function answered: its JWT authorizer refusing a token (401, 403), throttling (429), a function that failed (500) or did not answer in time (503).",
        },
      },
      parameters: {
        CorrelationId: {
          name: 'x-correlation-id',
          in: 'header',
          required: false,
          description:
            "Ties every log line, invocation, event and message the request causes to one id of the caller's choosing; without it (or when it is not of this form) the request id is used. Answered back in `x-correlation-id`.",
          schema: CORRELATION_ID_SCHEMA,
        },
      },
      headers: {
        CorrelationId: { description: 'The correlation id the request sent, or else its request id.', schema: CORRELATION_ID_SCHEMA },
        RequestId: { description: 'The API request id: quote it when reporting a problem.', schema: { type: 'string' } },
      },
      responses: SHARED_RESPONSES,
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The Cognito access token: the `token` field of `POST /users/login` (not its `idToken`, which the API refuses). It carries the caller\'s roles (`cognito:groups`) and expires after `expiresIn` seconds.',
        },
      },
    },
  };
}

function operation({ service, functionName, trigger }: HttpRoute): Record<string, unknown> {
  const { auth, request, response } = trigger;
  const documented = routeDocumentation(`${service}/${functionName}`);
  const signedIn = auth.kind === 'signed-in';
  const roles = auth.kind === 'signed-in' && auth.roles?.length ? auth.roles : undefined;
  const parameters = [
    ...parametersOf(request?.path, 'path'),
    ...parametersOf(request?.query, 'query'),
    ...parametersOf(request?.headers, 'header'),
    ...(documented?.headers ?? []).map(({ name, ...rest }) => ({ name, in: 'header', ...rest })),
    { $ref: '#/components/parameters/CorrelationId' },
  ];
  const body = requestBodySchema(request?.body, documented);
  // The same statuses the wrapper holds the handler to (routeErrorStatuses), declared once in the
  // manifest; and a signed-in route's 403, which the JWT authorizer answers to a token of the wrong
  // kind even where the route checks no role. A route that answers 429 or 503 itself documents its own.
  const ownStatuses = new Set([...routeErrorStatuses(trigger), ...(signedIn ? [403] : [])]);
  const errorStatuses = [...ownStatuses].filter((status) => !(status in SHARED_STATUSES));
  const successes: Record<number, { description: string; body?: z.ZodMiniType }> = {
    [response.status]: { description: STATUS_CODES[response.status] ?? 'Success', ...(response.body ? { body: response.body } : {}) },
    ...Object.fromEntries(
      Object.entries(documented?.responses ?? {}).map(([status, r]) => [status, { ...r, body: r.body ?? response.body }]),
    ),
  };
  assertHeadersOfOwnAnswers(`${service}/${functionName}`, documented?.responseHeaders, [...Object.keys(successes).map(Number), ...errorStatuses]);

  return {
    operationId: operationId(functionName),
    summary: trigger.summary,
    ...(roles ? { description: `Roles: ${roles.join(', ')}` } : {}),
    tags: [service],
    // An explicit empty list says "no authentication" rather than "not documented".
    security: signedIn ? [{ bearerAuth: [] }] : [],
    parameters,
    ...(body ? { requestBody: { required: true, content: { 'application/json': { schema: body } } } } : {}),
    responses: Object.fromEntries(
      [
        ...Object.entries(successes).map(([status, r]): [number, unknown] => [
          Number(status),
          {
            description: r.description,
            headers: { ...ID_HEADERS, ...documented?.responseHeaders?.[Number(status)] },
            ...(r.body && Number(status) !== 204 ? { content: { 'application/json': { schema: jsonSchema(r.body, 'output') } } } : {}),
          },
        ]),
        ...errorStatuses.map((status): [number, unknown] => [status, errorResponse(status, documented?.responseHeaders?.[status])]),
        // Every path answers 405 for a method it lacks; every body may be too large.
        [405, { $ref: '#/components/responses/MethodNotAllowed' }],
        ...(body ? [[413, { $ref: '#/components/responses/PayloadTooLarge' }] as [number, unknown]] : []),
        // The stage is throttled, and any function may not answer in time, where the route does not answer the status itself.
        ...Object.entries(GATEWAY_FALLBACKS)
          .filter(([status]) => !ownStatuses.has(Number(status)))
          .map(([status, name]): [number, unknown] => [Number(status), { $ref: `#/components/responses/${name}` }]),
      ]
        .sort(([a], [b]) => (a as number) - (b as number))
        .map(([status, answer]) => [String(status), answer]),
    ),
  };
}

/** Headers documented for a status the route does not answer would be dropped without a word: a typo, or a manifest that changed. */
function assertHeadersOfOwnAnswers(ref: string, responseHeaders: Record<number, unknown> | undefined, statuses: readonly number[]): void {
  for (const status of Object.keys(responseHeaders ?? {}).map(Number)) {
    if (!statuses.includes(status)) throw new Error(`route documentation of ${ref}: headers for ${status}, which the route does not answer (it answers ${statuses.join(', ')})`);
  }
}

/** Statuses answered by a shared response (`components.responses`) rather than one of the route's own. */
const SHARED_STATUSES = { 405: 'MethodNotAllowed', 413: 'PayloadTooLarge' } as const;

/**
 * API Gateway's own answers that any operation may get, as shared responses: its throttling, and a
 * function that did not answer in time (every route is a Lambda integration). A route that answers
 * the status itself documents its own instead, in both shapes.
 */
const GATEWAY_FALLBACKS = { 429: 'TooManyRequests', 503: 'GatewayTimeout' } as const;

function requestBodySchema(body: z.ZodMiniType | undefined, documented: ReturnType<typeof routeDocumentation>): JsonSchema | undefined {
  const schema = body ?? documented?.body;
  if (!schema) return undefined;
  const json = jsonSchema(schema, 'input');
  return documented?.bodySchema ? documented.bodySchema(json) : json;
}

/** `create-order` → `createOrder`: an identifier in every language a client is generated in. */
export function operationId(functionName: string): string {
  return functionName.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function assertUniqueOperationIds(routes: readonly HttpRoute[]): void {
  const seen = new Map<string, string>();
  for (const { service, functionName } of routes) {
    const id = operationId(functionName);
    const other = seen.get(id);
    if (other) throw new Error(`two routes would have the operation id ${id}: ${other} and ${service}/${functionName}; rename one function`);
    seen.set(id, `${service}/${functionName}`);
  }
}

/** One parameter per property of an object schema; path parameters are always required. */
function parametersOf(schema: z.ZodMiniType | undefined, location: 'path' | 'query' | 'header'): Record<string, unknown>[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input');
  const properties = (object.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Requests are documented as clients may send them (`input`), responses as the service writes them (`output`). */
function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io }) as JsonSchema;
  return rest;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
