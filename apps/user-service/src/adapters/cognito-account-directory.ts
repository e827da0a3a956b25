import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  type CognitoIdentityProviderClient,
  type InitiateAuthCommandOutput,
  InitiateAuthCommand,
  RevokeTokenCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { BadRequestError, HttpError, requireEnv, UnauthorizedError } from '@shop/common';
import { cognitoClient } from '@shop/aws';
import type { AccountCloser } from '../domain/account-deletion';
import type { AccountDirectory, SessionTokens } from '../domain/account-directory';
import { EmailTakenError, InvalidCredentialsError, InvalidPasswordError, InvalidRefreshTokenError, NotARefreshTokenError } from '../domain/errors';

/** What Cognito answers for each way a sign-in can fail; all of them are "wrong email or password". */
const BAD_CREDENTIALS = new Set([
  'NotAuthorizedException',
  // cognito-local answers this for a wrong password where Cognito answers NotAuthorizedException.
  'InvalidPasswordException',
  'UserNotFoundException',
  'UserNotConfirmedException',
  // An administrator reset the password; the API offers no reset flow, and the answer must not tell
  // a stranger that the account exists.
  'PasswordResetRequiredException',
]);

export interface CognitoAccountDirectoryOptions {
  client?: () => CognitoIdentityProviderClient;
  /** Read at each call (PLATFORM_ENV.userPool), not at load. */
  userPoolId?: () => string;
  clientId?: () => string;
}

/** The Cognito user pool behind the AccountDirectory and AccountCloser ports. Usernames are emails. */
export function cognitoAccountDirectory(options: CognitoAccountDirectoryOptions = {}): AccountDirectory & AccountCloser {
  const client = options.client ?? cognitoClient;
  const userPoolId = options.userPoolId ?? (() => requireEnv('USER_POOL_ID'));
  const clientId = options.clientId ?? (() => requireEnv('USER_POOL_CLIENT_ID'));
  /** Signs in with a password, as the app client's users do. */
  const passwordAuth = (email: string, password: string) =>
    client().send(new InitiateAuthCommand({ AuthFlow: 'USER_PASSWORD_AUTH', ClientId: clientId(), AuthParameters: { USERNAME: email, PASSWORD: password } }));

  const statusOf = async (email: string) => (await client().send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: email }))).UserStatus;

  return {
    async signUp({ email, password, name }) {
      try {
        const out = await client().send(
          new SignUpCommand({
            ClientId: clientId(),
            Username: email,
            Password: password,
            UserAttributes: [
              { Name: 'email', Value: email },
              { Name: 'name', Value: name },
            ],
          }),
        );
        if (!out.UserSub) throw new Error('SignUp answered without a UserSub');
        return { userId: out.UserSub };
      } catch (error) {
        switch (errorName(error)) {
          case 'UsernameExistsException':
            throw new EmailTakenError();
          case 'InvalidPasswordException':
            throw new InvalidPasswordError([policyReason(error, password)]);
          case 'InvalidParameterException': {
            const reason = withoutSecret(errorMessage(error), password);
            throw new BadRequestError(`The registration was not accepted: ${reason}`, [{ field: 'body', message: reason }], 'INVALID_PARAMETER');
          }
        }
        throw throttledOr(error);
      }
    },

    async confirm(email) {
      try {
        await client().send(new AdminConfirmSignUpCommand({ UserPoolId: userPoolId(), Username: email }));
      } catch (error) {
        // Cognito refuses to confirm a confirmed account (NotAuthorizedException): another
        // registration of the same address got there first, which is what this step wanted.
        if (errorName(error) === 'NotAuthorizedException' && (await statusOf(email).catch(() => undefined)) === 'CONFIRMED') return;
        throw throttledOr(error);
      }
    },

    async addToGroup(email, group) {
      try {
        await client().send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId(), Username: email, GroupName: group }));
      } catch (error) {
        throw throttledOr(error);
      }
    },

    async remove(email) {
      await client().send(new AdminDeleteUserCommand({ UserPoolId: userPoolId(), Username: email }));
    },

    async close(userId) {
      try {
        // By the `sub`, which the admin calls take in place of the username (Cognito's API reference
        // for AdminDeleteUser; cognito-local looks users up by sub too): this last step of a deletion
        // runs after the profile, with the address, is gone, and a retry has only the token's sub.
        await client().send(new AdminDeleteUserCommand({ UserPoolId: userPoolId(), Username: userId }));
      } catch (error) {
        // Deleted already: a repeat of a deletion that finished, or whose answer was lost.
        if (errorName(error) === 'UserNotFoundException') return;
        throw throttledOr(error);
      }
    },

    async heldWith(email, password) {
      let confirmed: boolean;
      try {
        await passwordAuth(email, password);
        confirmed = true;
      } catch (error) {
        // Cognito says "not confirmed" only once the password is right.
        if (errorName(error) === 'UserNotConfirmedException') confirmed = false;
        else if (BAD_CREDENTIALS.has(errorName(error))) return undefined;
        else throw throttledOr(error);
      }
      try {
        const user = await client().send(new AdminGetUserCommand({ UserPoolId: userPoolId(), Username: email }));
        const userId = user.UserAttributes?.find((a) => a.Name === 'sub')?.Value;
        if (!userId) throw new Error('AdminGetUser answered without a sub');
        return { userId, confirmed };
      } catch (error) {
        throw throttledOr(error);
      }
    },

    async signIn(email, password) {
      let result;
      try {
        const out = await passwordAuth(email, password);
        if (out.ChallengeName) {
          throw new UnauthorizedError(`Sign-in needs a further step (${out.ChallengeName}) that this API does not offer`, 'AUTH_CHALLENGE');
        }
        result = out.AuthenticationResult;
      } catch (error) {
        if (BAD_CREDENTIALS.has(errorName(error))) throw new InvalidCredentialsError();
        throw throttledOr(error);
      }
      return sessionTokens(result);
    },

    async refresh(refreshToken) {
      let result;
      try {
        const out = await client().send(new InitiateAuthCommand({ AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: clientId(), AuthParameters: { REFRESH_TOKEN: refreshToken } }));
        result = out.AuthenticationResult;
      } catch (error) {
        // Expired, revoked, never issued, or its account deleted or disabled.
        if (BAD_REFRESH_TOKEN.has(errorName(error))) throw new InvalidRefreshTokenError();
        throw throttledOr(error);
      }
      // A refresh answers no refresh token: the caller's stays in force (Cognito rotates none here).
      const { refreshToken: _none, ...tokens } = sessionTokens(result);
      return tokens;
    },

    async revoke(refreshToken) {
      try {
        await client().send(new RevokeTokenCommand({ ClientId: clientId(), Token: refreshToken }));
      } catch (error) {
        if (BAD_REFRESH_TOKEN.has(errorName(error))) return;
        // An access or ID token where the refresh token belongs: nothing was ended, and the caller must know.
        if (errorName(error) === 'UnsupportedTokenTypeException' || errorName(error) === 'InvalidParameterException') throw new NotARefreshTokenError();
        throw throttledOr(error);
      }
    },
  };
}

/** What Cognito answers for a refresh token it will not honour (cognito-local: NotAuthorizedException for all). */
const BAD_REFRESH_TOKEN = new Set(['NotAuthorizedException', 'UnauthorizedException', 'UserNotFoundException']);

function sessionTokens(result: InitiateAuthCommandOutput['AuthenticationResult']): SessionTokens {
  if (!result?.AccessToken || !result.IdToken || result.ExpiresIn === undefined) {
    throw new Error('InitiateAuth answered without tokens');
  }
  return {
    accessToken: result.AccessToken,
    idToken: result.IdToken,
    ...(result.RefreshToken ? { refreshToken: result.RefreshToken } : {}),
    expiresIn: result.ExpiresIn,
  };
}

function errorName(error: unknown): string {
  return String((error as { name?: unknown } | null)?.name ?? '');
}

function errorMessage(error: unknown): string {
  return String((error as { message?: unknown } | null)?.message ?? '');
}

/** Cognito's own policy message, e.g. "Password did not conform with policy: Password not long enough". */
function policyReason(error: unknown, password: string): string {
  const reason = withoutSecret(errorMessage(error), password).replace(/^Password did not conform with policy:\s*/i, '');
  return reason || 'rejected by the user pool';
}

/** Never echo the password, whatever a message contains. */
function withoutSecret(message: string, secret: string): string {
  return secret ? message.split(secret).join('[redacted]') : message;
}

/** Cognito throttling is a 429 for the client to retry, not a 500. */
function throttledOr(error: unknown): unknown {
  if (errorName(error) === 'TooManyRequestsException' || errorName(error) === 'LimitExceededException') {
    return new HttpError(429, 'TOO_MANY_REQUESTS', 'Too many requests; try again shortly', undefined, { 'retry-after': '1' });
  }
  return error;
}
