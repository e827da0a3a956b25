import type { PlatformResource } from './manifest';

/**
 * The shop's naming conventions: the environment variables through which a running function finds
 * its resources (infra and the local cloud set them from its manifest, by `functionEnvironmentVariables`;
 * libs/aws and the services' adapters read them), and what those resources are called on AWS.
 */

/**
 * The triggers whose wrapper answers a named error of the function's contract (OutOfStock,
 * OrderCancelled) by failing the invocation, for the caller to branch on its name: a direct
 * invoke, and a state machine's task (its `Catch`).
 */
export const NAMED_ERROR_TRIGGERS = ['invoke', 'state-machine-task'] as const;

/**
 * The metric those wrappers write for each invocation that ended in such an error (namespace
 * `Shop`, dimensions `service`, `stage` and `function`: the physical name), which infra's alarm on
 * the function's `AWS/Lambda` Errors takes off, so that an answer pages nobody.
 */
export const EXPECTED_ERRORS_METRIC = 'ExpectedErrors';

/** `idempotencyKeys` / `order-lines` / `payment-service/payment-events` → `IDEMPOTENCY_KEYS` / `ORDER_LINES` / `PAYMENT_SERVICE_PAYMENT_EVENTS`. */
function envName(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-/]/g, '_').toUpperCase();
}

/**
 * Environment variable through which a function learns a table's physical name (for a
 * foreign table, the same name as its owner uses).
 * `products` → `PRODUCTS_TABLE`. Infra and the local cloud both set it this way.
 */
export function tableEnvVar(logicalName: string): string {
  return `${envName(logicalName)}_TABLE`;
}

/** Physical resource name for a stage: `shop-dev-product-service-products`. */
export function physicalName(stage: string, service: string, resource: string): string {
  return `shop-${stage}-${service}-${resource}`;
}

/** Environment variables for platform resources. */
export const PLATFORM_ENV = {
  userPool: ['USER_POOL_ID', 'USER_POOL_CLIENT_ID'],
  paymentProvider: ['PAYMENT_PROVIDER_URL', 'PAYMENT_PROVIDER_API_KEY_PARAMETER', 'PAYMENT_WEBHOOK_SECRET_PARAMETER'],
  checkout: ['PAYMENT_WINDOW_SECONDS'],
  email: ['EMAIL_FROM'],
} as const satisfies Record<PlatformResource, readonly string[]>;

/**
 * What the platform stack puts in each parameter that operators must set (the payment provider's key
 * and signing secret, and other stage settings): a function that reads it treats it as unset and
 * fails loudly, rather than send it to the provider or check a signature with it.
 */
export const PARAMETER_PLACEHOLDER = 'set-by-operators';

/** The environment variable holding the shop's event bus name, set for every function that `publishes`. */
export const EVENT_BUS_ENV = 'EVENT_BUS_NAME';

/**
 * CORS for the API's browser clients, deployed (infra's HTTP API) and local (the local gateway)
 * from these lists, so that what works on a laptop works on AWS. `requestHeaders`: what a browser app
 * sends besides the safelisted headers (every header a route declares must be here: infra's tests
 * check it); `responseHeaders`: what it may read of an answer besides the safelisted ones (an ETag for
 * If-Match, where a created resource is, how long to wait, which request to quote to support).
 */
export const BROWSER_CORS = {
  methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  requestHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match', 'x-correlation-id'],
  responseHeaders: ['allow', 'etag', 'location', 'retry-after', 'x-correlation-id', 'x-request-id'],
} as const;

/** The shop's one event bus (a platform resource): `shop-dev-events`. */
export function eventBusName(stage: string): string {
  return `shop-${stage}-events`;
}

/** `inventory-service/check-availability` → `INVENTORY_SERVICE_CHECK_AVAILABILITY_FUNCTION` (the physical function name). */
export function functionEnvVar(ref: string): string {
  return `${envName(ref)}_FUNCTION`;
}

/** `payment-service/payment-events` → `PAYMENT_SERVICE_PAYMENT_EVENTS_QUEUE_URL`. */
export function queueUrlEnvVar(ref: string): string {
  return `${envName(ref)}_QUEUE_URL`;
}

/** `checkout-orchestrator/checkout` → `CHECKOUT_ORCHESTRATOR_CHECKOUT_STATE_MACHINE_ARN`. */
export function stateMachineEnvVar(ref: string): string {
  return `${envName(ref)}_STATE_MACHINE_ARN`;
}

/** Splits a `service/name` reference. */
export function parseRef(ref: string): { service: string; name: string } {
  const [service, name, ...rest] = ref.split('/');
  if (!service || !name || rest.length) throw new Error(`"${ref}" is not a service/name reference`);
  return { service, name };
}

/** Handler file of a function, relative to its service root: the function `create-product` lives in `src/handlers/create-product.ts`. */
export function handlerPath(functionName: string): string {
  return `src/handlers/${functionName}.ts`;
}

/**
 * Every function is published (`publish = true`): each deploy that changes its code or
 * configuration makes a new numbered version, and this alias points at the one in service.
 * Routes, mappings, rules, subscriptions, schedules, state machine tasks and the functions that
 * invoke each other all call the alias, so moving it back (`npm run rollback`) is a rollback.
 * The local cloud answers to it too, and a function's policy grants invoking only it.
 */
export const LIVE_ALIAS = 'live';
