import { PASSWORD_POLICY, type PasswordPolicy, ProviderEvent } from '@shop/contracts';
import type * as z from 'zod/mini';

/** A JSON Schema (draft 2020-12, the dialect of OpenAPI 3.1). */
export type JsonSchema = Record<string, unknown>;

/**
 * What a route's zod schemas cannot say and its handler does, added to the OpenAPI document by
 * route (`service/function`): a body the handler reads raw to check its signature, a header it
 * checks itself, a rule written as a refinement. Each entry names the code that enforces it.
 */
export interface RouteDocumentation {
  /** The request body, when the manifest has no body schema. */
  body?: z.ZodMiniType;
  /** Changes to the request body's JSON Schema. */
  bodySchema?: (schema: JsonSchema) => JsonSchema;
  /** Header parameters the handler reads itself. */
  headers?: { name: string; required: boolean; description: string; schema: JsonSchema }[];
  /** Success answers besides the manifest's: status → description and body schema. */
  responses?: Record<number, { description: string; body?: z.ZodMiniType }>;
  /**
   * Headers an answer carries besides the id headers, a success's (an ETag) or an error's (a
   * Retry-After the handler sets itself): status → header name → OpenAPI header. The status must be
   * one the route answers.
   */
  responseHeaders?: Record<number, Record<string, ResponseHeader>>;
}

/** An OpenAPI header object of an answer. */
export interface ResponseHeader {
  description: string;
  required: boolean;
  schema: JsonSchema;
}

/** When to try again, on the answers that say so (`HttpError`'s headers in @shop/common). */
export const RETRY_AFTER: ResponseHeader = {
  description: 'Seconds to wait before trying again, when the shop can tell',
  required: false,
  schema: { type: 'string', examples: ['1'] },
};

/** A product's version, which `If-Match` sends back (apps/product-service/src/domain/product-version.ts). */
const PRODUCT_ETAG = {
  etag: {
    description: "The product's version: send it back in `If-Match` to change or delete the product only as it was read",
    required: true,
    schema: { type: 'string', pattern: '^"\\d+"$', examples: ['"3"'] },
  },
};

export function routeDocumentation(ref: string): RouteDocumentation | undefined {
  return ROUTES[ref];
}

const ROUTES: Record<string, RouteDocumentation> = {
  // apps/payment-service/src/handlers/payment-webhook.ts: the signature covers the raw bytes, so the
  // handler parses the body (ProviderEvent) itself, after checking `provider-signature`.
  'payment-service/payment-webhook': {
    body: ProviderEvent,
    headers: [
      {
        name: 'provider-signature',
        required: true,
        description:
          '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the webhook secret>`. ' +
          'A delivery whose signature does not match, or whose time is more than 5 minutes away, is refused with 401.',
        schema: { type: 'string', examples: ['t=1767225600,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd'] },
      },
    ],
    responses: { 200: { description: 'A duplicate: the event was already received, and nothing more happens' } },
  },
  // apps/user-service checks the user pool's password policy (libs/contracts PASSWORD_POLICY) before Cognito does.
  'user-service/register': {
    bodySchema: (schema) => withProperty(schema, 'password', (password) => ({ ...password, ...passwordRules(PASSWORD_POLICY) })),
  },
  // UpdateProductRequest (libs/contracts) refines the partial object: at least one field. The
  // handler answers the new version (update-product.ts).
  'product-service/update-product': {
    bodySchema: (schema) => ({ ...schema, minProperties: 1 }),
    responseHeaders: { 200: PRODUCT_ETAG },
  },
  // get-product.ts answers the product's version for a later If-Match.
  'product-service/get-product': {
    responseHeaders: { 200: PRODUCT_ETAG },
  },
  // process-payment.ts says when to try again on two answers besides its 503: a charge still running
  // (409 PAYMENT_IN_PROGRESS) and a provider not answering (502 PAYMENT_PROVIDER_UNAVAILABLE).
  'payment-service/process-payment': {
    responseHeaders: {
      409: {
        'retry-after': {
          ...RETRY_AFTER,
          description:
            'With `PAYMENT_IN_PROGRESS`: seconds to wait before reading the order, or sending the same payment again, to learn what the charge still running did. The other 409s carry none.',
          schema: { type: 'string', examples: ['2'] },
        },
      },
      502: { 'retry-after': { ...RETRY_AFTER, description: 'Seconds to wait before sending the payment again (safe: the provider charges an order once)', schema: { type: 'string', examples: ['5'] } } },
    },
  },
};

/** The policy as JSON Schema keywords: a minimum length, and a pattern of lookaheads for the characters it requires. */
export function passwordRules(policy: PasswordPolicy): JsonSchema {
  const required = [
    policy.requireLowercase && { lookahead: '(?=.*[a-z])', words: 'a lowercase letter' },
    policy.requireUppercase && { lookahead: '(?=.*[A-Z])', words: 'an uppercase letter' },
    policy.requireNumbers && { lookahead: '(?=.*[0-9])', words: 'a number' },
    policy.requireSymbols && { lookahead: '(?=.*[^A-Za-z0-9])', words: 'a symbol' },
  ].filter((r): r is { lookahead: string; words: string } => Boolean(r));
  return {
    minLength: policy.minimumLength,
    ...(required.length ? { pattern: `^${required.map((r) => r.lookahead).join('')}` } : {}),
    description: `At least ${policy.minimumLength} characters${required.length ? `, with ${required.map((r) => r.words).join(', ')}` : ''} (the user pool's policy).`,
  };
}

function withProperty(schema: JsonSchema, name: string, change: (property: JsonSchema) => JsonSchema): JsonSchema {
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const property = properties[name];
  if (!property) throw new Error(`route documentation: the body has no property ${name}`);
  return { ...schema, properties: { ...properties, [name]: change(property) } };
}
