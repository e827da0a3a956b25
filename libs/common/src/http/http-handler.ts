import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type * as z from 'zod/mini';
import { BadRequestError, errorBody, HttpError, PayloadTooLargeError } from '../errors';
import { isSafeCorrelationId } from '../correlation-id';
import type { Logger } from '../logger';
import { type RouteAuth, routeErrorStatuses } from '@shop/platform';
import { markHandler, reportError, startInvocation } from '../triggers/invocation';
import { parseRequestPart } from './validation';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

/** Bodies above this are refused with 413 before they are parsed. */
export const MAX_BODY_BYTES = 64 * 1024;

type Parsed<S> = S extends z.ZodMiniType ? z.output<S> : undefined;

/** The part of a route's manifest entry the wrapper reads: its request and response schemas, who may call, and its errors. */
export interface RouteContract {
  request?: { body?: z.ZodMiniType; query?: z.ZodMiniType; path?: z.ZodMiniType; headers?: z.ZodMiniType };
  response?: { status: number; body?: z.ZodMiniType };
  auth?: RouteAuth;
  errors?: readonly number[];
}
type RawHeaders = Readonly<Record<string, string | undefined>>;
type Req<R extends RouteContract> = NonNullable<R['request']>;
type BodyOf<R extends RouteContract> = Parsed<Req<R>['body']>;
type QueryOf<R extends RouteContract> = Parsed<Req<R>['query']>;
type PathOf<R extends RouteContract> = Parsed<Req<R>['path']>;
type HeadersOf<R extends RouteContract> = Req<R>['headers'] extends z.ZodMiniType ? z.output<Req<R>['headers']> & RawHeaders : RawHeaders;

export interface HttpRequest<B, Q, P, A, H = RawHeaders> {
  body: B;
  query: Q;
  path: P;
  /** What `authorize` returned: the caller, for routes that need one. */
  principal: A;
  /** Lower-case header names; checked by the route's `headers` schema when it has one. */
  headers: H;
  correlationId: string;
  log: Logger;
  event: HttpEvent;
  /** Lambda's context: the time left (`getRemainingTimeInMillis`) bounds calls that retry. */
  context: Context;
}

export interface HttpResult<B = unknown> {
  status?: number;
  body?: B;
  headers?: Record<string, string>;
}

/**
 * What a route's handler answers: the body its manifest's `response.body` schema describes
 * (what clients and the OpenAPI document are promised), or no body when the route declares none.
 */
export type HttpAnswer<R extends RouteContract> = Answer<ResponseBodyOf<NonNullable<R['response']>>>;
type Answer<B> = unknown extends B ? HttpResult : [B] extends [undefined] ? HttpResult<undefined> : HttpResult<B> & { body: B };
type ResponseBodyOf<Res> = Res extends { body: infer S extends z.ZodMiniType }
  ? z.output<S>
  : 'body' extends keyof Res
    ? unknown // a route typed only as the general manifest (a tool reading any service) may answer any body
    : undefined;

export interface HttpHandlerOptions<A> {
  /** Decides who may call; throws 401/403. Runs before the body is read. */
  authorize: (event: HttpEvent) => A;
  maxBodyBytes?: number;
}

/**
 * Wraps an API Gateway (HTTP API, payload 2.0) handler for one route of a manifest: authorizes,
 * bounds and parses the body, validates body, query and path with the route's zod schemas,
 * and maps errors to `{error: {code, message, details?}}`. Bad input is always a 4xx and never
 * reaches `handle`. The schemas come from the manifest, so the OpenAPI document, the gateway
 * and the handler cannot disagree about them.
 */
export function httpHandler<R extends RouteContract, A>(
  route: R,
  options: HttpHandlerOptions<A>,
  handle: (request: HttpRequest<BodyOf<R>, QueryOf<R>, PathOf<R>, A, HeadersOf<R>>) => Promise<HttpAnswer<R>>,
) {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;
  const { body, query, path, headers } = route.request ?? {};
  const declared = new Set(routeErrorStatuses(route));

  return markHandler(async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const invocation = startInvocation('http', context);
    const requestId = event.requestContext?.requestId ?? invocation.awsRequestId;
    const offered = event.headers?.['x-correlation-id'];
    const correlationId = isSafeCorrelationId(offered) ? offered : requestId;
    // `requestId` is API Gateway's (what the client gets as x-request-id); `awsRequestId` is Lambda's.
    const log = invocation.logger(correlationId, { requestId });
    const idHeaders = { 'x-correlation-id': correlationId, 'x-request-id': requestId };

    let result: APIGatewayProxyStructuredResultV2;
    try {
      const principal = options.authorize(event);
      const rawHeaders: RawHeaders = event.headers ?? {};
      const request: HttpRequest<BodyOf<R>, QueryOf<R>, PathOf<R>, A, HeadersOf<R>> = {
        body: (body ? parseRequestPart('body', body, readJsonBody(event, maxBodyBytes)) : undefined) as BodyOf<R>,
        query: (query ? parseRequestPart('query', query, event.queryStringParameters ?? {}) : undefined) as QueryOf<R>,
        path: (path ? parseRequestPart('path', path, event.pathParameters ?? {}) : undefined) as PathOf<R>,
        principal,
        headers: (headers ? { ...rawHeaders, ...(parseRequestPart('headers', headers, rawHeaders) as object) } : rawHeaders) as HeadersOf<R>,
        correlationId,
        log,
        event,
        context,
      };
      const answer = await handle(request);
      const status = answer.status ?? 200;
      result = {
        statusCode: status,
        headers: { ...(answer.body === undefined ? {} : { 'content-type': 'application/json' }), ...idHeaders, ...answer.headers },
        ...(answer.body === undefined ? {} : { body: JSON.stringify(answer.body) }),
      };
    } catch (error) {
      result = errorResult(error, log, idHeaders);
      if (!declared.has(result.statusCode ?? 500)) {
        log.error({ status: result.statusCode, declared: [...declared] }, UNDECLARED_ERROR_STATUS);
      }
    }
    log.info(
      { method: event.requestContext?.http?.method, route: event.routeKey, status: result.statusCode, durationMs: Date.now() - invocation.started },
      'request completed',
    );
    return result;
  }, ['http']);
}

/** Logged when a handler answers an error status its route does not declare in the manifest. */
export const UNDECLARED_ERROR_STATUS = 'undeclared error status: declare it in the route\'s `errors`';

function readJsonBody(event: HttpEvent, maxBodyBytes: number): unknown {
  if (event.body === undefined || event.body === null || event.body === '') {
    throw new BadRequestError('Request body is required', [{ field: 'body', message: 'required' }], 'BODY_REQUIRED');
  }
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > maxBodyBytes) throw new PayloadTooLargeError(maxBodyBytes);
  let text: string;
  try {
    text = UTF8.decode(raw);
  } catch {
    // Not silently replaced by U+FFFD: a name would be stored other than it was sent.
    throw new BadRequestError('Request body is not valid UTF-8', [{ field: 'body', message: 'not valid UTF-8' }], 'INVALID_ENCODING');
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // Where the JSON broke, never V8's own message: it quotes the body around the fault, and the
    // body may hold a password or a code, which would then be logged with the 400.
    const position = /at position (\d+)/.exec((error as Error).message)?.[1];
    throw new BadRequestError(
      `Request body is not valid JSON${position === undefined ? '' : ` (at position ${position})`}`,
      [{ field: 'body', message: 'malformed JSON' }],
      'INVALID_JSON',
    );
  }
  // JSON can spell half a character (`"\ud800"`): well-formed JSON, but no text. Stored, it would
  // come back as U+FFFD or be refused by a store or a mail server later, far from the request. Only
  // an escape can make one (the bytes were valid UTF-8), so a body without one is not walked.
  if (SURROGATE_ESCAPE.test(text)) {
    const field = illFormedStringAt(body);
    if (field !== undefined) {
      throw new BadRequestError('Request body holds text that is not valid Unicode', [{ field, message: 'not valid Unicode (a lone surrogate)' }], 'INVALID_ENCODING');
    }
  }
  return body;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** An escaped surrogate that is not half of an escaped pair; a backslash escaped before `u` may match too, which costs only a walk. */
const SURROGATE_ESCAPE = /\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F])|(?<![dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}/;
/** With the `u` flag a pair is one code point, so this matches a surrogate only when it is alone. */
const LONE_SURROGATE = /\p{Cs}/u;
const MAX_PATH_PARTS = 8;

/**
 * The dotted path of the first string (or key) in a parsed body that holds a lone surrogate;
 * `body` for the body itself. Iterative, and the path is made only for what it finds: a body
 * nested thousands deep (which JSON.parse takes) must cost neither the stack nor a copy per level.
 */
function illFormedStringAt(body: unknown): string | undefined {
  type Visit = { value: unknown; key?: string; parent?: Visit };
  const pathOf = (visit: Visit, key?: string): string => {
    const parts = key === undefined ? [] : [key];
    for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) parts.unshift(at.key);
    // A path thousands deep is named by its start.
    return (parts.length > MAX_PATH_PARTS ? [...parts.slice(0, MAX_PATH_PARTS), '…'] : parts).join('.') || 'body';
  };
  const stack: Visit[] = [{ value: body }];
  for (let visit = stack.pop(); visit; visit = stack.pop()) {
    const { value } = visit;
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return pathOf(visit);
    } else if (value !== null && typeof value === 'object') {
      const entries = Object.entries(value);
      for (const [key] of entries) if (LONE_SURROGATE.test(key)) return pathOf(visit, key);
      for (const [key, inner] of entries.reverse()) stack.push({ value: inner, key, parent: visit });
    }
  }
  return undefined;
}

function errorResult(error: unknown, log: Logger, idHeaders: Record<string, string>): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpError) {
    if (error.status >= 500) {
      reportError('http', error);
      log.error({ err: error }, error.message);
    } else log.info({ status: error.status, code: error.code }, error.message);
    return {
      statusCode: error.status,
      headers: { 'content-type': 'application/json', ...idHeaders, ...error.headers },
      body: JSON.stringify(errorBody(error)),
    };
  }
  reportError('http', error);
  log.error({ err: error }, 'unhandled error');
  return {
    statusCode: 500,
    headers: { 'content-type': 'application/json', ...idHeaders },
    body: JSON.stringify({ error: { code: 'INTERNAL', message: 'Something went wrong on our side' } }),
  };
}
