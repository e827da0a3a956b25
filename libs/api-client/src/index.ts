import createClient, { type Client, type Middleware } from 'openapi-fetch';
import { OPERATIONS } from './operations';
import type { components, operations, paths } from './schema';

export type { components, operations, paths } from './schema';
export { OPERATIONS, type OperationId } from './operations';
/** What `client.use(…)` takes: a hook on every request or response (openapi-fetch's). */
export type { Middleware } from 'openapi-fetch';

/** A client of the shop's HTTP API: `client.GET('/products/{id}', { params: { path: { id } } })`, typed from the OpenAPI document. */
export type ShopClient = Client<paths>;

export interface ShopClientOptions {
  /** The API's base URL: `http://127.0.0.1:3000` under `npm start`, the stage's URL on AWS. */
  baseUrl: string;
  /**
   * The access token (the `token` of `POST /users/login`), asked for before every request, so
   * that signing in or out needs no new client; a promise when it may first be renewed
   * (`POST /users/refresh`). Absent or undefined: the request goes unsigned.
   */
  accessToken?: () => string | undefined | Promise<string | undefined>;
  /** Another fetch: a test's, or one that adds retries (README, "Retrying safely": which requests may be sent again). */
  fetch?: (request: Request) => Promise<Response>;
}

/** Creates a client; every request is signed with the current access token, when there is one. */
export function createShopClient(options: ShopClientOptions): ShopClient {
  const client = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  if (options.accessToken) client.use(bearerToken(options.accessToken));
  return client;
}

function bearerToken(token: NonNullable<ShopClientOptions['accessToken']>): Middleware {
  return {
    async onRequest({ request }) {
      const value = await token();
      if (value && !request.headers.has('authorization')) request.headers.set('authorization', `Bearer ${value}`);
      return request;
    },
  };
}

/** Whether the API this client was generated from has a route: for a feature that waits for its route to ship. */
export function hasRoute(method: string, path: string): boolean {
  return Object.values(OPERATIONS).some((op) => op.method === method && op.path === path);
}

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body an operation answers with a status: `ResponseOf<'getProduct', 200>`. */
export type ResponseOf<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = JsonOf<operations[Op]['responses'][Status]>;

/** The JSON body an operation takes: `RequestOf<'createProduct'>`. */
export type RequestOf<Op extends keyof operations> = operations[Op] extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

/** Every error the API answers itself: `{error: {code, message, details?}}`. */
export type ApiError = components['schemas']['Error'];
/** What API Gateway answers before any function runs (throttled, timed out): `{message}`. */
export type GatewayError = components['schemas']['GatewayError'];

export type Product = ResponseOf<'getProduct', 200>;
export type ProductPage = ResponseOf<'listProducts', 200>;
export type NewProduct = RequestOf<'createProduct'>;
export type ProductChanges = RequestOf<'updateProduct'>;
export type Cart = ResponseOf<'getCart', 200>;
export type Order = ResponseOf<'getOrder', 200>;
export type OrderPage = ResponseOf<'listOrders', 200>;
export type Profile = ResponseOf<'getProfile', 200>;
export type Session = ResponseOf<'login', 200>;
export type Registration = RequestOf<'register'>;
export type Report = ResponseOf<'generateReport', 200>;
export type Money = Product['price'];

/** Whether a body is the API's error shape. */
export function isApiError(body: unknown): body is ApiError {
  const error = (body as { error?: unknown } | null)?.error as { code?: unknown; message?: unknown } | undefined;
  return typeof error === 'object' && error !== null && typeof error.code === 'string' && typeof error.message === 'string';
}
