import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  CreateUserPoolClientCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { PASSWORD_POLICY, type PasswordPolicy, ROLES } from '@shop/contracts';
import { startCognitoFidelityProxy } from './cognito-fidelity-proxy';
import { freePort } from './free-port';
import type { Authorizer } from './iam/local-iam';
import { LOCAL_ACCOUNT_ID } from './lambda-runtime';
import { LOCAL_AWS } from './local-aws';
import { spawnManaged, waitForReady } from './managed-process';

/**
 * cognito-local, run so that its tokens pass `aws-jwt-verify`'s `CognitoJwtVerifier`
 * unmodified, exactly as deployed tokens do:
 *
 * - the pool id has a real region shape (`us-east-1_...`): the verifier derives the region,
 *   and so the expected issuer, from it. cognito-local's own CreateUserPool makes ids like
 *   `local_...`, so we write the pool's file ourselves before it starts;
 * - `TokenConfig.IssuerDomain` is the real Cognito domain, so tokens' `iss` is
 *   `https://cognito-idp.us-east-1.amazonaws.com/<poolId>`;
 * - the verifier only fetches keys over https, so callers hand it `jwks` (`cacheJwks`).
 *
 * cognito-local keeps its state, passwords in plain text, under `.cognito/` in its working
 * directory: that is a temporary directory (or the persist directory), never the repository.
 */

export interface CognitoLocalOptions {
  /** Port to listen on; 0 or absent picks a free one. */
  port?: number;
  /** Directory to keep users and clients in across runs; absent uses a temporary one, removed on stop. */
  dataDir?: string;
  region?: string;
  passwordPolicy?: PasswordPolicy;
  startTimeoutMs?: number;
  /** The local cloud's IAM, which judges the functions' `Admin*` calls on the pool (see the fidelity proxy). */
  authorizer?: Authorizer;
}

export interface CognitoLocal {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER` or a client's `endpoint`. */
  endpoint: string;
  port: number;
  userPoolId: string;
  /** The app client (no secret) that signs users in. */
  clientId: string;
  /** The pool's signing keys, to hand to the token verifier. */
  jwks: Jwks;
  /** The `iss` of the pool's tokens. */
  issuer: string;
  /** Where cognito-local keeps its state (`.cognito/`); its working directory. */
  dataDir: string;
  /** Process id of the cognito-local process. */
  pid: number;
  /** Stops the process (and removes a temporary data directory). Safe to call twice. */
  stop(): Promise<void>;
}

export const USER_POOL_NAME = 'shop-local-users';
export const USER_POOL_CLIENT_NAME = 'shop-local-client';
const HOST = '127.0.0.1';

export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  const region = options.region ?? LOCAL_AWS.region;
  const temporary = options.dataDir === undefined;
  const dataDir = options.dataDir ? resolve(options.dataDir) : mkdtempSync(join(tmpdir(), 'shop-cognito-'));
  const removeTemporary = (): void => {
    if (!temporary) return;
    process.off('exit', removeTemporary);
    rmSync(dataDir, { recursive: true, force: true });
  };
  // Passwords live there in plain text: do not leave them behind on an abrupt exit either.
  if (temporary) process.on('exit', removeTemporary);

  // What started, stopped newest first: on stop, and when start-up fails half-way.
  const started: (() => Promise<void>)[] = [];
  const undo = async (): Promise<void> => {
    try {
      for (const stop of [...started].reverse()) await stop();
    } finally {
      removeTemporary();
    }
  };
  try {
    const issuerDomain = `https://cognito-idp.${region}.amazonaws.com`;
    writeConfig(dataDir, issuerDomain);
    const userPoolId = ensureUserPoolFile(dataDir, region, options.passwordPolicy ?? PASSWORD_POLICY);

    const upstreamPort = await freePort(HOST);
    const proc = await spawnManaged({
      name: 'cognito-local',
      command: process.execPath,
      args: [startScript()],
      cwd: dataDir,
      env: { ...process.env, PORT: String(upstreamPort), HOST },
    });
    started.push(() => proc.stop());
    await waitForReady(proc, async () => (await fetch(`http://${HOST}:${upstreamPort}/health`)).ok, {
      timeoutMs: options.startTimeoutMs ?? 30_000,
    });

    // Callers talk to cognito-local through the proxy, which completes its sign-in answers.
    const proxy = await startCognitoFidelityProxy({
      upstreamPort,
      host: HOST,
      port: options.port ?? 0,
      ...(options.authorizer && { access: { authorizer: options.authorizer, region, accountId: LOCAL_ACCOUNT_ID } }),
    });
    started.push(() => proxy.close());
    const endpoint = proxy.url;

    const clientId = await provisionPool(endpoint, region, userPoolId);
    const jwks = await fetchJwks(endpoint, userPoolId);

    let stopping: Promise<void> | undefined;
    return {
      endpoint,
      port: proxy.port,
      userPoolId,
      clientId,
      jwks,
      issuer: `${issuerDomain}/${userPoolId}`,
      dataDir,
      pid: proc.pid,
      stop: () => (stopping ??= undo()),
    };
  } catch (error) {
    await undo().catch(() => undefined);
    throw error;
  }
}

/** cognito-local reads `.cognito/config.json` from its working directory and merges it over its defaults. */
function writeConfig(dataDir: string, issuerDomain: string): void {
  mkdirSync(join(dataDir, '.cognito', 'db'), { recursive: true });
  const config = { TokenConfig: { IssuerDomain: issuerDomain } };
  writeFileSync(join(dataDir, '.cognito', 'config.json'), `${JSON.stringify(config, null, 2)}\n`);
}

/**
 * The id of the pool in `.cognito/db`, reusing one a previous run left there. A pool is a
 * file `<poolId>.json` holding `{ Users, Options }`; cognito-local loads every such file at
 * start-up and uses its `Options` as the pool's configuration (see its `cognitoService.js`
 * and `userPoolService.js`). `clients.json` holds the app clients of every pool.
 */
function ensureUserPoolFile(dataDir: string, region: string, policy: PasswordPolicy): string {
  const dbDir = join(dataDir, '.cognito', 'db');
  const poolFile = new RegExp(`^(${region}_[A-Za-z0-9]+)\\.json$`);
  const existing = readdirSync(dbDir)
    .map((name) => poolFile.exec(name)?.[1])
    .find((id) => id !== undefined);
  if (existing) return existing;

  // Real pool ids carry nine alphanumerics after the region: `us-east-1_AbC123xYz`.
  const userPoolId = `${region}_${randomAlphanumeric(9)}`;
  const now = new Date().toISOString();
  const pool = {
    Users: {},
    Options: {
      Id: userPoolId,
      Name: USER_POOL_NAME,
      Arn: `arn:aws:cognito-idp:${region}:${LOCAL_ACCOUNT_ID}:userpool/${userPoolId}`,
      CreationDate: now,
      LastModifiedDate: now,
      // Users sign in with their email; Cognito then keeps the `sub` as the username.
      UsernameAttributes: ['email'],
      MfaConfiguration: 'OFF',
      Policies: {
        PasswordPolicy: {
          MinimumLength: policy.minimumLength,
          RequireLowercase: policy.requireLowercase,
          RequireUppercase: policy.requireUppercase,
          RequireNumbers: policy.requireNumbers,
          RequireSymbols: policy.requireSymbols,
          TemporaryPasswordValidityDays: 7,
        },
      },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false, UnusedAccountValidityDays: 7 },
      LambdaConfig: {},
    },
  };
  writeFileSync(join(dbDir, `${userPoolId}.json`), `${JSON.stringify(pool, null, 2)}\n`);
  return userPoolId;
}

/**
 * Creates, through the real SDK client, what the platform stack creates in AWS: the app
 * client (no secret; password and refresh-token sign-in) and one group per role. What a
 * persisted pool already has is kept.
 */
async function provisionPool(endpoint: string, region: string, userPoolId: string): Promise<string> {
  const cognito = new CognitoIdentityProviderClient({ ...LOCAL_AWS, region, endpoint });
  try {
    const { UserPoolClients: clients = [] } = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: userPoolId, MaxResults: 60 }),
    );
    let clientId = clients.find((c) => c.ClientName === USER_POOL_CLIENT_NAME)?.ClientId;
    if (!clientId) {
      const created = await cognito.send(
        new CreateUserPoolClientCommand({
          UserPoolId: userPoolId,
          ClientName: USER_POOL_CLIENT_NAME,
          GenerateSecret: false,
          ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_ADMIN_USER_PASSWORD_AUTH'],
        }),
      );
      clientId = created.UserPoolClient?.ClientId;
      if (!clientId) throw new Error('cognito-local: CreateUserPoolClient answered no ClientId');
    }

    const { Groups: groups = [] } = await cognito.send(new ListGroupsCommand({ UserPoolId: userPoolId }));
    const have = new Set(groups.map((g) => g.GroupName));
    for (const role of ROLES.filter((r) => !have.has(r))) {
      await cognito.send(new CreateGroupCommand({ UserPoolId: userPoolId, GroupName: role, Description: `Role ${role}` }));
    }
    return clientId;
  } finally {
    cognito.destroy();
  }
}

async function fetchJwks(endpoint: string, userPoolId: string): Promise<Jwks> {
  const response = await fetch(`${endpoint}/${userPoolId}/.well-known/jwks.json`);
  if (!response.ok) throw new Error(`cognito-local: JWKS answered ${response.status}`);
  return (await response.json()) as Jwks;
}

/** cognito-local's server entry point, run as a child node process. */
function startScript(): string {
  const script = join(dirname(require.resolve('cognito-local/package.json')), 'lib', 'bin', 'start.js');
  if (!existsSync(script)) throw new Error(`cognito-local: ${script} is missing; is cognito-local 5.x installed?`);
  return script;
}

function randomAlphanumeric(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from({ length }, () => alphabet[randomInt(alphabet.length)]).join('');
}
