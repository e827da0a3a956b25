import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { Role } from '@shop/contracts';

/** Claims as an HTTP API JWT authorizer hands them to the Lambda: every value a string. */
export type JwtClaims = Record<string, string>;

export interface ApiEventOptions {
  method: string;
  /** The path the client asked for, e.g. `/products/0b6f...`. */
  path: string;
  /** The matched route, e.g. `GET /products/{id}`; defaults to `<method> <path>`. */
  routeKey?: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  /** A string is sent as is (to test malformed JSON); anything else is JSON-encoded. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Verified token claims; without them the request reached the route without an authorizer result. */
  claims?: JwtClaims;
  isBase64Encoded?: boolean;
}

/**
 * A faithful API Gateway HTTP API (payload format 2.0) event: lower-case headers, raw path and
 * query string, `requestContext.http`, and `requestContext.authorizer.jwt` only when claims are given.
 */
export function apiEvent(options: ApiEventOptions): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = options.method.toUpperCase();
  const now = new Date();
  const requestId = randomUUID();
  const body =
    options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const headers: Record<string, string> = {
    accept: 'application/json',
    host: 'api.shop.test',
    'user-agent': 'vitest',
    'x-forwarded-for': '203.0.113.10',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
    ...(options.claims ? { authorization: 'Bearer test.access.token' } : {}),
    ...lowerCaseKeys(options.headers ?? {}),
  };
  const query = options.query && Object.keys(options.query).length > 0 ? options.query : undefined;
  const pathParameters =
    options.pathParameters && Object.keys(options.pathParameters).length > 0 ? options.pathParameters : undefined;
  const routeKey = options.routeKey ?? `${method} ${options.path}`;

  const event = {
    version: '2.0',
    routeKey,
    rawPath: options.path,
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers,
    ...(query ? { queryStringParameters: query } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'shopapi01',
      domainName: 'api.shop.test',
      domainPrefix: 'api',
      http: { method, path: options.path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'vitest' },
      requestId,
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(options.claims ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: options.claims, scopes: null } } } : {}),
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
  // Public routes carry no authorizer, which the JWT-authorizer event type does not model.
  return event as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/**
 * The event API Gateway sends for a route of a manifest (`{method, path}` with `{param}`
 * placeholders): the route key is the template, the raw path has the parameters filled in.
 */
export function routeEvent(
  route: { method: string; path: string },
  options: Omit<ApiEventOptions, 'method' | 'path' | 'routeKey'> = {},
): APIGatewayProxyEventV2WithJWTAuthorizer {
  const path = route.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = options.pathParameters?.[name];
    if (value === undefined) throw new Error(`routeEvent: no value for path parameter "${name}" of ${route.path}`);
    return encodeURIComponent(value);
  });
  return apiEvent({ ...options, method: route.method, path, routeKey: `${route.method} ${route.path}` });
}

/**
 * The claims of a Cognito access token as the HTTP API passes them on: strings only, and the
 * groups list in the authorizer's `"[ADMIN MANAGER]"` form.
 */
export function accessTokenClaims(user: { userId: string; roles?: readonly Role[]; username?: string }): JwtClaims {
  const issuedAt = Math.floor(Date.now() / 1000);
  return {
    sub: user.userId,
    'cognito:groups': `[${(user.roles ?? []).join(' ')}]`,
    iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1',
    client_id: 'testclientid',
    origin_jti: randomUUID(),
    event_id: randomUUID(),
    token_use: 'access',
    scope: 'aws.cognito.signin.user.admin',
    auth_time: String(issuedAt),
    exp: String(issuedAt + 3600),
    iat: String(issuedAt),
    jti: randomUUID(),
    username: user.username ?? user.userId,
  };
}

/** A Lambda context good enough for handlers that read ids and the remaining time. */
export function lambdaContext(functionName = 'test-function'): Context {
  const deadline = Date.now() + 10_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** What a client sees of a handler's answer: status, headers and the parsed JSON body. */
export interface HandlerAnswer<T = unknown> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

type HttpLambda = (event: APIGatewayProxyEventV2WithJWTAuthorizer, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Calls an HTTP handler the way Lambda would and reads its answer as a client would. */
export async function invokeHandler<T = unknown>(handler: HttpLambda, event: APIGatewayProxyEventV2WithJWTAuthorizer): Promise<HandlerAnswer<T>> {
  const result = await handler(event, lambdaContext());
  const headers = Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
  return {
    status: result.statusCode ?? 200,
    headers,
    body: (result.body === undefined || result.body === '' ? undefined : JSON.parse(result.body)) as T,
  };
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
