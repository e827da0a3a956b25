import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { createTokenVerifier } from '@shop/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { completeAuthenticationResult } from '../src/cognito-fidelity-proxy';
import { type CognitoLocal, startCognitoLocal } from '../src/cognito-local';
import { LOCAL_AWS } from '../src/local-aws';
import { childProcesses, isAlive } from '@shop/testing';

const PASSWORD = 'Customer-Passw0rd';

async function createUser(cognito: CognitoLocal, email: string, group: string): Promise<void> {
  const client = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognito.endpoint });
  try {
    const UserPoolId = cognito.userPoolId;
    await client.send(
      new AdminCreateUserCommand({
        UserPoolId,
        Username: email,
        UserAttributes: [{ Name: 'email', Value: email }],
        MessageAction: 'SUPPRESS',
      }),
    );
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: email, Password: PASSWORD, Permanent: true }));
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: email, GroupName: group }));
  } finally {
    client.destroy();
  }
}

async function signIn(cognito: CognitoLocal, email: string, password: string): Promise<string> {
  const result = await authenticate(cognito, email, password);
  if (!result.AccessToken) throw new Error('no access token');
  return result.AccessToken;
}

async function authenticate(cognito: CognitoLocal, email: string, password: string): Promise<AuthenticationResultType> {
  const client = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognito.endpoint });
  try {
    const { AuthenticationResult } = await client.send(
      new InitiateAuthCommand({
        ClientId: cognito.clientId,
        AuthFlow: 'USER_PASSWORD_AUTH',
        AuthParameters: { USERNAME: email, PASSWORD: password },
      }),
    );
    if (!AuthenticationResult) throw new Error('no authentication result');
    return AuthenticationResult;
  } finally {
    client.destroy();
  }
}

describe('cognito-local', () => {
  let cognito: CognitoLocal;

  beforeAll(async () => {
    cognito = await startCognitoLocal({ port: 0 });
  });

  afterAll(async () => {
    await cognito?.stop();
    expect(childProcesses()).toEqual([]);
  });

  it('has a pool with a real region-shaped id, the app client and one group per role', async () => {
    expect(cognito.userPoolId).toMatch(/^us-east-1_[A-Za-z0-9]+$/);
    expect(cognito.issuer).toBe(`https://cognito-idp.us-east-1.amazonaws.com/${cognito.userPoolId}`);
    expect(cognito.jwks.keys.length).toBeGreaterThan(0);

    const client = new CognitoIdentityProviderClient({ ...LOCAL_AWS, endpoint: cognito.endpoint });
    try {
      const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: cognito.userPoolId }));
      expect(UserPool?.Policies?.PasswordPolicy).toMatchObject({ MinimumLength: 8, RequireSymbols: false });
      const { Groups = [] } = await client.send(new ListGroupsCommand({ UserPoolId: cognito.userPoolId }));
      expect(Groups.map((g) => g.GroupName).sort()).toEqual(['ADMIN', 'CUSTOMER', 'MANAGER']);
    } finally {
      client.destroy();
    }
  });

  it('issues access tokens that the shop verifier accepts unmodified, with the groups', async () => {
    await createUser(cognito, 'ada@example.com', 'ADMIN');
    const token = await signIn(cognito, 'ada@example.com', PASSWORD);

    const verifier = createTokenVerifier({ userPoolId: cognito.userPoolId, clientId: cognito.clientId, jwks: cognito.jwks });
    const claims = await verifier.verify(token);

    expect(claims.iss).toBe(cognito.issuer);
    expect(claims.client_id).toBe(cognito.clientId);
    expect(claims.token_use).toBe('access');
    expect(claims['cognito:groups']).toEqual(['ADMIN']);
  });

  it('answers a sign-in as Cognito does, with ExpiresIn and TokenType', async () => {
    const result = await authenticate(cognito, 'ada@example.com', PASSWORD);
    expect(result).toMatchObject({ TokenType: 'Bearer', ExpiresIn: expect.any(Number) });
    expect(result.ExpiresIn).toBeGreaterThan(0);
    expect(result.IdToken).toBeTruthy();
    expect(result.RefreshToken).toBeTruthy();
  });

  it('refuses a wrong password', async () => {
    await expect(signIn(cognito, 'ada@example.com', 'Wrong-Passw0rd')).rejects.toMatchObject({
      name: expect.stringMatching(/^(InvalidPasswordException|NotAuthorizedException)$/),
    });
  });

  it('keeps its state out of the repository and removes a temporary data directory on stop', async () => {
    const other = await startCognitoLocal();
    expect(other.dataDir.startsWith(tmpdir())).toBe(true);
    expect(existsSync(join(other.dataDir, '.cognito', 'db', `${other.userPoolId}.json`))).toBe(true);
    expect(existsSync(join(process.cwd(), '.cognito'))).toBe(false);
    await other.stop();
    expect(isAlive(other.pid)).toBe(false);
    expect(existsSync(other.dataDir)).toBe(false);
    await other.stop();
  });
});

describe('cognito-local with a data directory', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'shop-cognito-persist-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('reuses the pool, the client, the groups and the users on the next start', async () => {
    const first = await startCognitoLocal({ dataDir });
    await createUser(first, 'grace@example.com', 'MANAGER').finally(() => first.stop());

    const second = await startCognitoLocal({ dataDir });
    try {
      expect(second.userPoolId).toBe(first.userPoolId);
      expect(second.clientId).toBe(first.clientId);
      const token = await signIn(second, 'grace@example.com', PASSWORD);
      const verifier = createTokenVerifier({ userPoolId: second.userPoolId, clientId: second.clientId, jwks: second.jwks });
      expect((await verifier.verify(token))['cognito:groups']).toEqual(['MANAGER']);
    } finally {
      await second.stop();
    }
    expect(existsSync(join(dataDir, '.cognito', 'db', `${first.userPoolId}.json`))).toBe(true);
  });
});

describe('completeAuthenticationResult', () => {
  const token = (claims: object): string =>
    ['{"alg":"none"}', JSON.stringify(claims), ''].map((part) => Buffer.from(part).toString('base64url')).join('.');

  it('adds the lifetime of the access token and the token type when they are missing', () => {
    const body = Buffer.from(JSON.stringify({ AuthenticationResult: { AccessToken: token({ iat: 100, exp: 3700 }) } }));
    expect(JSON.parse(completeAuthenticationResult(body).toString())).toMatchObject({
      AuthenticationResult: { ExpiresIn: 3600, TokenType: 'Bearer' },
    });
  });

  it('leaves challenges, errors and complete answers as they are', () => {
    for (const answer of [
      { ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' },
      { AuthenticationResult: { AccessToken: token({ iat: 1, exp: 2 }), ExpiresIn: 60, TokenType: 'Bearer' } },
    ]) {
      const body = Buffer.from(JSON.stringify(answer));
      expect(JSON.parse(completeAuthenticationResult(body).toString())).toEqual(answer);
    }
    expect(completeAuthenticationResult(Buffer.from('not json')).toString()).toBe('not json');
  });
});
