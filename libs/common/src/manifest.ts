import type * as z from 'zod';

/**
 * The service manifest: one typed definition of what a service has and may touch.
 * Three readers use it: `infra/` (Terraform + least-privilege IAM), `tools/local-cloud`
 * (wiring routes and triggers on the laptop) and the docs generators (diagram, OpenAPI).
 * It holds data only; nothing here runs in a Lambda.
 */

export type Role = 'CUSTOMER' | 'ADMIN' | 'MANAGER';
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type AttributeType = 'S' | 'N';

export interface KeyDef {
  name: string;
  type: AttributeType;
}

export interface IndexDef {
  name: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
}

export interface TableDef {
  /** One line: what the table holds. */
  description: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  globalSecondaryIndexes?: IndexDef[];
  /** Stream view type when the table has a DynamoDB stream. */
  stream?: 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES' | 'KEYS_ONLY';
  /** Attribute holding an epoch-seconds expiry, when items expire. */
  ttlAttribute?: string;
}

/** Who may call a route. The API gateway's JWT authorizer checks the token; the handler checks the role. */
export type RouteAuth = { kind: 'public' } | { kind: 'signed-in'; roles?: readonly Role[] };

export interface HttpTrigger {
  type: 'http';
  method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  path: string;
  auth: RouteAuth;
  summary: string;
  request?: {
    body?: z.ZodType;
    query?: z.ZodType;
    path?: z.ZodType;
  };
  /** Success status and body schema (for the OpenAPI document). */
  response: { status: number; body?: z.ZodType };
  /** Error statuses the route can answer, besides 400/401/500. */
  errors?: readonly number[];
}

/** Called directly by another function with `LambdaClient` (RequestResponse or Event). */
export interface InvokeTrigger {
  type: 'invoke';
  /** `service/function` names of the callers. */
  callers: readonly string[];
}

export type Trigger = HttpTrigger | InvokeTrigger;

export type TableAccess = 'read' | 'write' | 'read-write';

/** Cognito user-pool API actions a function may call (IAM `cognito-idp:<action>`). */
export type UserPoolAction =
  | 'SignUp'
  | 'AdminCreateUser'
  | 'AdminConfirmSignUp'
  | 'AdminSetUserPassword'
  | 'AdminAddUserToGroup'
  | 'AdminGetUser'
  | 'AdminDeleteUser'
  | 'InitiateAuth'
  | 'AdminInitiateAuth';

export interface Permissions {
  /** Tables of this service, by logical name. */
  tables?: Readonly<Record<string, TableAccess>>;
  /** The platform's Cognito user pool. */
  userPool?: readonly UserPoolAction[];
  /** Functions this one invokes, as `service/function`. */
  invokes?: readonly string[];
}

export interface FunctionDef {
  /** One line: what the function is for. */
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  triggers: readonly Trigger[];
  permissions: Permissions;
  /** Platform resources whose names the function reads from its environment. */
  uses?: readonly PlatformResource[];
}

export type PlatformResource = 'userPool';

export interface ServiceManifest {
  /** The Nx project and npm package name, e.g. `product-service`. */
  name: string;
  description: string;
  tables: Readonly<Record<string, TableDef>>;
  functions: Readonly<Record<string, FunctionDef>>;
}

/** Identity function that gives a manifest its type while keeping literal names checkable. */
export function defineService<const M extends ServiceManifest>(manifest: M): M {
  for (const [name, fn] of Object.entries(manifest.functions)) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new Error(`${manifest.name}: function name "${name}" must be kebab-case`);
    for (const table of Object.keys(fn.permissions.tables ?? {})) {
      if (!(table in manifest.tables)) {
        throw new Error(`${manifest.name}/${name} names table "${table}", which the service does not declare`);
      }
    }
  }
  return manifest;
}

/**
 * Environment variable through which a function learns a table's physical name.
 * `products` → `PRODUCTS_TABLE`. Infra and the local cloud both set it this way.
 */
export function tableEnvVar(logicalName: string): string {
  return `${logicalName.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/-/g, '_').toUpperCase()}_TABLE`;
}

/** Physical resource name for a stage: `shop-dev-product-service-products`. */
export function physicalName(stage: string, service: string, resource: string): string {
  return `shop-${stage}-${service}-${resource}`;
}

/** Environment variables for platform resources. */
export const PLATFORM_ENV = {
  userPool: ['USER_POOL_ID', 'USER_POOL_CLIENT_ID'],
} as const satisfies Record<PlatformResource, readonly string[]>;

/** Handler file of a function, relative to its service root: the function `create-product` lives in `src/handlers/create-product.ts`. */
export function handlerPath(functionName: string): string {
  return `src/handlers/${functionName}.ts`;
}

/** The HTTP route that triggers a function; a function behind the API has exactly one. */
export function httpRoute<M extends ServiceManifest, F extends keyof M['functions'] & string>(
  manifest: M,
  functionName: F,
): Extract<M['functions'][F]['triggers'][number], HttpTrigger> {
  const fn = manifest.functions[functionName];
  const routes = fn?.triggers.filter((t): t is HttpTrigger => t.type === 'http') ?? [];
  if (routes.length !== 1) throw new Error(`${manifest.name}/${functionName} has ${routes.length} HTTP routes, expected 1`);
  return routes[0] as Extract<M['functions'][F]['triggers'][number], HttpTrigger>;
}
