import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { TokenRejectedError, type TokenVerifier } from '@shop/auth';
import { errorBody, HttpError, MethodNotAllowedError, NotFoundError, PayloadTooLargeError, UnauthorizedError } from '@shop/common';
import { type HttpMethod, type RouteAuth } from '@shop/platform';
import type { APIGatewayEventRequestContextJWTAuthorizer, APIGatewayProxyEventV2 } from 'aws-lambda';
import { listen, readBody } from './http-server';
import type { InvokeResult, LambdaRuntime } from './lambda-runtime';
import { RouteTable } from './route-table';
import { newTraceId, parseTraceHeader } from './trace-context';
import { applyCors, type CorsPolicy } from './web/cors';

export interface RouteBinding {
  method: HttpMethod;
  /** `/products/{id}` */
  path: string;
  auth: RouteAuth;
  /** Physical name of the function the route invokes. */
  functionName: string;
}

export interface ApiGateway {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  status: number;
  durationMs: number;
  functionName?: string;
  coldStart?: boolean;
}

export interface ApiGatewayOptions {
  runtime: LambdaRuntime;
  routes: RouteBinding[];
  verifier: TokenVerifier;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * The local cloud's own pages under `/_local/` (the outbox, the trace): not part of the shop's
   * API, and not on AWS. Answers JSON, or undefined for a path it does not know (404).
   */
  console?: (request: { method: string; path: string; query: URLSearchParams; body: string }) => Promise<{ status: number; body: unknown } | undefined>;
  /** Browser origins allowed to call the API (the storefront's), as the HTTP API's CORS configuration. */
  cors?: CorsPolicy;
}

/** Paths the gateway leaves to `console`. */
export const CONSOLE_PREFIX = '/_local/';

/** The payload format 2.0 event, with the JWT authorizer's context on signed-in routes only. */
export type GatewayEvent = APIGatewayProxyEventV2 & {
  requestContext: { authorizer?: APIGatewayEventRequestContextJWTAuthorizer };
};

/** HTTP API's payload limit. The handler wrapper enforces its own, smaller one and answers 413 itself. */
export const MAX_GATEWAY_BODY_BYTES = 10 * 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  body?: string | Buffer;
  functionName?: string;
  coldStart?: boolean;
}

/**
 * API Gateway HTTP API on localhost: routes from the manifests, a JWT authorizer on signed-in
 * routes, and Lambda proxy integrations with payload format 2.0, answering as HTTP API does.
 */
export async function startApiGateway(options: ApiGatewayOptions): Promise<ApiGateway> {
  const table = new RouteTable(options.routes);

  async function route(request: IncomingMessage, requestId: string): Promise<Answer> {
    const method = request.method ?? 'GET';
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt < 0 ? url : url.slice(0, queryAt);
    const rawQueryString = queryAt < 0 ? '' : url.slice(queryAt + 1);

    if (options.console && rawPath.startsWith(CONSOLE_PREFIX)) {
      const read = await readBody(request, MAX_GATEWAY_BODY_BYTES);
      if (read.tooLarge) throw new PayloadTooLargeError(MAX_GATEWAY_BODY_BYTES);
      const answer = await options.console({ method, path: rawPath, query: new URLSearchParams(rawQueryString), body: read.body.toString('utf8') });
      if (!answer) throw new NotFoundError(`No local page ${rawPath}`, 'ROUTE_NOT_FOUND');
      return { status: answer.status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(answer.body, null, 2) };
    }
    const lookup = table.match(method, rawPath);
    if (lookup.kind === 'not-found') throw new NotFoundError(`No route for ${method} ${rawPath}`, 'ROUTE_NOT_FOUND');
    if (lookup.kind === 'method-not-allowed') throw new MethodNotAllowedError(method, rawPath, lookup.allowed);
    const read = await readBody(request, MAX_GATEWAY_BODY_BYTES);
    if (read.tooLarge) throw new PayloadTooLargeError(MAX_GATEWAY_BODY_BYTES);

    const { route, pathParameters } = lookup;
    const authorizer =
      route.auth.kind === 'signed-in' ? await authorize(request.headers.authorization, options.verifier) : undefined;
    const event = buildEvent(request, { route, rawPath, rawQueryString, pathParameters, body: read.body, requestId, authorizer });
    // A request with a trace header continues its trace; any other starts one, as Lambda's active tracing does.
    const trace = parseTraceHeader(request.headers['x-amzn-trace-id']) ?? { traceId: newTraceId() };
    const result = await options.runtime.invoke(route.functionName, event, { trace });
    const answer = integrationResponse(result);
    return { ...answer, headers: { ...answer.headers, 'x-amzn-trace-id': `Root=${trace.traceId}` }, functionName: route.functionName, coldStart: result.coldStart };
  }

  const server = createServer((request, response) => {
    if (options.cors && applyCors(request, response, options.cors)) return;
    const started = performance.now();
    const requestId = randomBytes(11).toString('base64');
    void route(request, requestId)
      .catch((error: unknown): Answer => {
        if (error instanceof HttpError) {
          return { status: error.status, headers: { 'content-type': 'application/json', ...error.headers }, body: JSON.stringify(errorBody(error)) };
        }
        return httpApiError(500, 'Internal Server Error');
      })
      .then((answer) => {
        response.writeHead(answer.status, { ...answer.headers, 'apigw-requestid': requestId });
        response.end(answer.body);
        options.onRequest?.({
          method: request.method ?? 'GET',
          path: (request.url ?? '/').split('?')[0] ?? '/',
          status: answer.status,
          durationMs: Math.round(performance.now() - started),
          ...(answer.functionName ? { functionName: answer.functionName, coldStart: answer.coldStart } : {}),
        });
      });
  });
  return listen(server, options);
}

/** The JWT authorizer: a valid bearer token or 401. Roles are the handler's business. */
async function authorize(header: string | undefined, verifier: TokenVerifier): Promise<APIGatewayEventRequestContextJWTAuthorizer> {
  if (!header) throw new UnauthorizedError('Missing bearer token: send "Authorization: Bearer <token>"');
  const token = /^Bearer +(\S+)\s*$/i.exec(header)?.[1];
  if (!token) throw new UnauthorizedError('Malformed Authorization header: expected "Bearer <token>"');
  let claims: Record<string, unknown>;
  try {
    claims = { ...(await verifier.verify(token)) };
  } catch (error) {
    // Never echo the token or the verifier's detail, which can quote its claims.
    throw new UnauthorizedError(error instanceof TokenRejectedError ? error.message : 'Invalid token');
  }
  const scope = claims['scope'];
  return { jwt: { claims: stringifyClaims(claims), scopes: typeof scope === 'string' ? scope.split(' ') : null } };
}

/** HTTP API hands every claim over as a string; a list such as `cognito:groups` becomes `"[ADMIN CUSTOMER]"`. */
export function stringifyClaims(claims: Record<string, unknown>): Record<string, string> {
  const asString = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return `[${value.map(asString).join(' ')}]`;
    if (typeof value === 'object' && value !== null) return JSON.stringify(value);
    return String(value);
  };
  return Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, asString(value)]));
}

function buildEvent(
  request: IncomingMessage,
  parts: {
    route: RouteBinding;
    rawPath: string;
    rawQueryString: string;
    pathParameters: Record<string, string>;
    body: Buffer;
    requestId: string;
    authorizer: APIGatewayEventRequestContextJWTAuthorizer | undefined;
  },
): GatewayEvent {
  const now = new Date();
  const routeKey = `${parts.route.method} ${parts.route.path}`;
  const sourceIp = (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');

  // Format 2.0 joins repeated headers with commas and moves cookies out of the headers.
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    const name = request.rawHeaders[i]!.toLowerCase();
    const value = request.rawHeaders[i + 1]!;
    if (name === 'cookie') cookies.push(...value.split(';').map((c) => c.trim()).filter(Boolean));
    else headers[name] = name in headers ? `${headers[name]},${value}` : value;
  }
  headers['x-forwarded-for'] = headers['x-forwarded-for'] ? `${headers['x-forwarded-for']}, ${sourceIp}` : sourceIp;
  headers['x-forwarded-port'] = String(request.socket.localPort ?? '');
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] = `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;

  const query: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(parts.rawQueryString)) {
    query[key] = key in query ? `${query[key]},${value}` : value;
  }

  const domainName = headers['host'] ?? 'localhost';
  const hasBody = parts.body.byteLength > 0;
  const binary = hasBody && !isTextual(headers['content-type']);
  return {
    version: '2.0',
    routeKey,
    rawPath: parts.rawPath,
    rawQueryString: parts.rawQueryString,
    ...(cookies.length ? { cookies } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      ...(parts.authorizer ? { authorizer: parts.authorizer } : {}),
      domainName,
      domainPrefix: domainName.split(/[.:]/)[0] ?? domainName,
      http: {
        method: request.method ?? 'GET',
        path: parts.rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: parts.requestId,
      routeKey,
      stage: '$default',
      time: clfTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: parts.body.toString(binary ? 'base64' : 'utf8') } : {}),
    ...(Object.keys(parts.pathParameters).length ? { pathParameters: parts.pathParameters } : {}),
    isBase64Encoded: binary,
  };
}

/** Bodies HTTP API passes as text; everything else arrives base64-encoded. */
function isTextual(contentType: string | undefined): boolean {
  return /^\s*(text\/|application\/(json|xml|javascript|[\w.-]+\+(json|xml))\b)/i.test(contentType ?? '');
}

/** Common Log Format time, as in `requestContext.time`: `12/Mar/2020:19:03:58 +0000`. */
function clfTime(date: Date): string {
  const [, day, month, year, time] = date.toUTCString().split(' '); // 'Thu, 12 Mar 2020 19:03:58 GMT'
  return `${day}/${month}/${year}:${time} +0000`;
}

/** Maps what the Lambda returned as HTTP API does for payload format 2.0. */
function integrationResponse(result: InvokeResult): Answer {
  if (!result.ok) {
    return result.error.errorType === 'Sandbox.Timedout'
      ? httpApiError(503, 'Service Unavailable')
      : httpApiError(500, 'Internal Server Error');
  }
  const payload = result.payload;
  if (typeof payload !== 'object' || payload === null || !('statusCode' in payload)) {
    // Without a statusCode the whole result is the body; a string is sent as it is.
    const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
    return { status: 200, headers: { 'content-type': 'application/json' }, body };
  }

  const { statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded } = payload as Record<string, unknown>;
  const valid =
    Number.isInteger(statusCode) &&
    (statusCode as number) >= 100 &&
    (statusCode as number) <= 599 &&
    (body === undefined || body === null || typeof body === 'string') &&
    (cookies === undefined || (Array.isArray(cookies) && cookies.every((c) => typeof c === 'string')));
  if (!valid) return httpApiError(500, 'Internal Server Error'); // HTTP API's answer to a malformed proxy response

  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries((headers ?? {}) as Record<string, unknown>)) out[name.toLowerCase()] = String(value);
  for (const [name, values] of Object.entries((multiValueHeaders ?? {}) as Record<string, unknown>)) {
    if (Array.isArray(values)) out[name.toLowerCase()] = values.map(String);
  }
  const setCookies = (cookies ?? []) as string[];
  if (setCookies.length) out['set-cookie'] = [...[out['set-cookie'] ?? []].flat(), ...setCookies];
  return {
    status: statusCode as number,
    headers: out,
    ...(typeof body === 'string' ? { body: isBase64Encoded === true ? Buffer.from(body, 'base64') : body } : {}),
  };
}

/** HTTP API's own error answers: `{"message": "..."}`. */
function httpApiError(status: number, message: string): Answer {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message }) };
}
