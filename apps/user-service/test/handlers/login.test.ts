import {
  CognitoIdentityProviderClient,
  InitiateAuthCommand,
  InvalidPasswordException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  RevokeTokenCommand,
  TooManyRequestsException,
  UnauthorizedException,
  UnsupportedTokenTypeException,
  UserNotConfirmedException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { httpRoute } from '@shop/platform';
import { invokeHandler, routeEvent } from '@shop/testing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../src/handlers/login';
import { handler as logout } from '../../src/handlers/logout';
import { handler as refreshSession } from '../../src/handlers/refresh-session';
import { service } from '../../src/service';
import { captureLogs, USER_POOL_CLIENT_ID, withUserServiceEnv } from '../fixtures';

const cognito = mockClient(CognitoIdentityProviderClient);
const route = httpRoute(service, 'login');
withUserServiceEnv();
beforeEach(() => {
  cognito.reset();
});
afterEach(() => {
  vi.useRealTimers();
});
afterAll(() => {
  cognito.restore();
});

const PASSWORD = 'Correct-Horse-7';
const login = (body: unknown) => invokeHandler<Record<string, unknown>>(handler, routeEvent(route, { body }));
const tokens = { AccessToken: 'eyJ.access.sig', IdToken: 'eyJ.id.sig', RefreshToken: 'refresh-opaque', ExpiresIn: 3600, TokenType: 'Bearer' };

describe('POST /users/login', () => {
  it('answers 200 with the access token as the bearer token, and when it expires', async () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T12:00:00.000Z'), toFake: ['Date'] });
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: tokens });

    const res = await login({ email: 'Ada@Example.com', password: PASSWORD });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      token: 'eyJ.access.sig',
      tokenType: 'Bearer',
      idToken: 'eyJ.id.sig',
      refreshToken: 'refresh-opaque',
      expiresIn: 3600,
      expiresAt: '2025-06-01T13:00:00.000Z',
    });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-correlation-id']).toBeTruthy();
    expect(cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input).toEqual({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: USER_POOL_CLIENT_ID,
      AuthParameters: { USERNAME: 'ada@example.com', PASSWORD },
    });
  });

  const failures = [
    ['a wrong password', () => new NotAuthorizedException({ message: 'Incorrect username or password.', $metadata: {} })],
    ['a wrong password (cognito-local)', () => new InvalidPasswordException({ message: 'Invalid password', $metadata: {} })],
    ['an unknown email', () => new UserNotFoundException({ message: 'User does not exist.', $metadata: {} })],
    ['an unconfirmed account', () => new UserNotConfirmedException({ message: 'User is not confirmed.', $metadata: {} })],
    ['an account whose password an administrator reset', () => new PasswordResetRequiredException({ message: 'Password reset required for the user', $metadata: {} })],
  ] as const;

  it.each(failures)('answers 401 with the one sign-in failure message for %s', async (_, failure) => {
    cognito.on(InitiateAuthCommand).rejects(failure());

    const res = await login({ email: 'ada@example.com', password: PASSWORD });

    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'INVALID_CREDENTIALS', message: 'Incorrect email or password' } });
  });

  it('answers 401 to a sign-in that needs a step the API does not offer', async () => {
    cognito.on(InitiateAuthCommand).resolves({ ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: 's' });
    const res = await login({ email: 'ada@example.com', password: PASSWORD });
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error: { code: 'AUTH_CHALLENGE' } });
  });

  it('never logs the password or the tokens', async () => {
    const { lines } = captureLogs();
    cognito.on(InitiateAuthCommand).resolvesOnce({ AuthenticationResult: tokens }).rejects(new NotAuthorizedException({ message: 'no', $metadata: {} }));
    await login({ email: 'ada@example.com', password: PASSWORD });
    await login({ email: 'ada@example.com', password: PASSWORD });

    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const secret of [PASSWORD, tokens.AccessToken, tokens.IdToken, tokens.RefreshToken]) {
      expect(lines.join('\n')).not.toContain(secret);
    }
  });

  it.each([
    ['malformed JSON', 'email=ada@example.com&password=x', 'body'],
    ['a missing password', { email: 'ada@example.com' }, 'password'],
    ['an empty password', { email: 'ada@example.com', password: '' }, 'password'],
    ['a password that is not a string', { email: 'ada@example.com', password: 12345678 }, 'password'],
    ['an unknown field', { email: 'ada@example.com', password: PASSWORD, remember: true }, 'remember'],
  ])('answers 400 naming the field for %s, without calling Cognito', async (_, body, field) => {
    const res = await login(body);
    expect(res.status).toBe(400);
    const details = (res.body as { error: { details: { field: string }[] } }).error.details;
    expect(details.map((d) => d.field)).toContain(field);
    expect(cognito.calls()).toHaveLength(0);
  });
});

const REFRESH_TOKEN = 'eyJjdHkiOiJKV1QiLCJlbmMiOiJBMjU2R0NNIn0.refresh-opaque';
const renewed = { AccessToken: 'eyJ.access2.sig', IdToken: 'eyJ.id2.sig', ExpiresIn: 3600, TokenType: 'Bearer' };
const callRefresh = (body: unknown) => invokeHandler<Record<string, unknown>>(refreshSession, routeEvent(httpRoute(service, 'refresh-session'), { body }));
const callLogout = (body: unknown) => invokeHandler<Record<string, unknown>>(logout, routeEvent(httpRoute(service, 'logout'), { body }));
const notAuthorized = () => new NotAuthorizedException({ message: 'Refresh Token has been revoked', $metadata: {} });

describe('POST /users/refresh', () => {
  it('answers new access and ID tokens for a refresh token, and no refresh token: the one the caller has stays in force', async () => {
    vi.useFakeTimers({ now: new Date('2025-06-01T12:00:00.000Z'), toFake: ['Date'] });
    cognito.on(InitiateAuthCommand).resolves({ AuthenticationResult: renewed });

    const res = await callRefresh({ refreshToken: REFRESH_TOKEN });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ token: 'eyJ.access2.sig', tokenType: 'Bearer', idToken: 'eyJ.id2.sig', expiresIn: 3600, expiresAt: '2025-06-01T13:00:00.000Z' });
    expect(res.headers['cache-control']).toBe('no-store');
    expect(cognito.commandCalls(InitiateAuthCommand)[0]?.args[0].input).toEqual({
      AuthFlow: 'REFRESH_TOKEN_AUTH',
      ClientId: USER_POOL_CLIENT_ID,
      AuthParameters: { REFRESH_TOKEN },
    });
  });

  it('answers 401 INVALID_REFRESH_TOKEN for a token that is revoked, expired or unknown', async () => {
    cognito.on(InitiateAuthCommand).rejects(notAuthorized());
    const res = await callRefresh({ refreshToken: REFRESH_TOKEN });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ error: { code: 'INVALID_REFRESH_TOKEN', message: 'The session has ended: sign in again' } });
  });

  it('answers 429 with Retry-After when Cognito throttles', async () => {
    cognito.on(InitiateAuthCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    const res = await callRefresh({ refreshToken: REFRESH_TOKEN });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('1');
  });

  it.each([
    ['a missing token', {}, 'refreshToken'],
    ['an empty token', { refreshToken: '' }, 'refreshToken'],
    ['a token that is not a string', { refreshToken: 42 }, 'refreshToken'],
    ['an unknown field', { refreshToken: REFRESH_TOKEN, userId: 'someone-else' }, 'userId'],
  ])('answers 400 naming the field for %s, without calling Cognito', async (_, body, field) => {
    const res = await callRefresh(body);
    expect(res.status).toBe(400);
    expect((res.body as { error: { details: { field: string }[] } }).error.details.map((d) => d.field)).toContain(field);
    expect(cognito.calls()).toHaveLength(0);
  });
});

describe('POST /users/logout', () => {
  it('revokes the refresh token with Cognito and answers 204', async () => {
    cognito.on(RevokeTokenCommand).resolves({});
    const res = await callLogout({ refreshToken: REFRESH_TOKEN });
    expect(res.status).toBe(204);
    expect(res.body).toBeUndefined();
    expect(cognito.commandCalls(RevokeTokenCommand)[0]?.args[0].input).toEqual({ ClientId: USER_POOL_CLIENT_ID, Token: REFRESH_TOKEN });
  });

  it.each([
    ['revoked already (cognito-local)', notAuthorized],
    ['not one Cognito issued', () => new UnauthorizedException({ message: 'Invalid token', $metadata: {} })],
  ])('answers 204 for a token %s: it is no more in force than one just revoked (RFC 7009)', async (_, failure) => {
    cognito.on(RevokeTokenCommand).rejects(failure());
    expect((await callLogout({ refreshToken: REFRESH_TOKEN })).status).toBe(204);
  });

  it('answers 400 NOT_A_REFRESH_TOKEN when Cognito says the token is of another kind (an access or ID token): nothing was ended', async () => {
    cognito.on(RevokeTokenCommand).rejects(new UnsupportedTokenTypeException({ message: 'Unsupported token type', $metadata: {} }));
    const res = await callLogout({ refreshToken: 'eyJraWQiOiJ.access.token' });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'NOT_A_REFRESH_TOKEN', details: [{ field: 'refreshToken' }] } });
  });

  it.each([
    ['a token with its scheme', 'Bearer eyJabc.def'],
    ['a quoted token', '"abc"'],
  ])('answers 400 naming refreshToken for %s, without calling Cognito', async (_, refreshToken) => {
    for (const call of [callLogout, callRefresh]) {
      const res = await call({ refreshToken });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: { details: [{ field: 'refreshToken' }] } });
    }
    expect(cognito.calls()).toHaveLength(0);
  });

  it('answers 429 when Cognito throttles: the token may still be in force, so the client must try again', async () => {
    cognito.on(RevokeTokenCommand).rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    expect((await callLogout({ refreshToken: REFRESH_TOKEN })).status).toBe(429);
  });

  it('answers 400 naming refreshToken when there is none, without calling Cognito', async () => {
    const res = await callLogout({});
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { details: [{ field: 'refreshToken' }] } });
    expect(cognito.calls()).toHaveLength(0);
  });
});

it('never logs a refresh token or the tokens it renews', async () => {
  const { lines } = captureLogs();
  cognito.on(InitiateAuthCommand).resolvesOnce({ AuthenticationResult: renewed }).rejects(notAuthorized());
  cognito.on(RevokeTokenCommand).resolves({});
  await callRefresh({ refreshToken: REFRESH_TOKEN });
  await callRefresh({ refreshToken: REFRESH_TOKEN });
  await callLogout({ refreshToken: REFRESH_TOKEN });

  expect(lines.length).toBeGreaterThanOrEqual(3);
  for (const secret of [REFRESH_TOKEN, renewed.AccessToken, renewed.IdToken]) expect(lines.join('\n')).not.toContain(secret);
});
