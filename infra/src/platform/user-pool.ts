import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { PASSWORD_POLICY, ROLES } from '@shop/contracts';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * The shop's Cognito user pool: email addresses as usernames, the password policy user-service
 * checks first (libs/contracts, docs/decisions.md #2), one group per role, and the client the API
 * and the storefront sign in with. user-service signs up with `SignUp` and confirms with
 * `AdminConfirmSignUp`, signs in with `InitiateAuth` / `USER_PASSWORD_AUTH`, renews sessions
 * with `REFRESH_TOKEN_AUTH` (`POST /users/refresh`) and ends them with `RevokeToken`
 * (`POST /users/logout`). So the client has no secret (the API's callers are browsers and apps,
 * which cannot keep one, and SignUp and InitiateAuth would need its hash), allows exactly those
 * two flows, and gives the stage's token lifetimes; revoking a refresh token (sign-out) is on.
 */
export interface UserPool {
  pool: CognitoUserPool;
  client: CognitoUserPoolClient;
}

export function userPool(stack: ShopStack): UserPool {
  const { stage, deletionProtection, tokenValidity } = stack.config;
  const pool = new CognitoUserPool(stack, 'user-pool', {
    name: `shop-${stage}-users`,
    usernameAttributes: ['email'],
    usernameConfiguration: { caseSensitive: false },
    passwordPolicy: {
      minimumLength: PASSWORD_POLICY.minimumLength,
      requireLowercase: PASSWORD_POLICY.requireLowercase,
      requireUppercase: PASSWORD_POLICY.requireUppercase,
      requireNumbers: PASSWORD_POLICY.requireNumbers,
      requireSymbols: PASSWORD_POLICY.requireSymbols,
      temporaryPasswordValidityDays: 7,
    },
    // register confirms accounts itself (AdminConfirmSignUp) and verifies no address, so Cognito
    // sends no codes; lost passwords are an administrator's business until the shop verifies emails.
    accountRecoverySetting: { recoveryMechanism: [{ name: 'admin_only', priority: 1 }] },
    adminCreateUserConfig: { allowAdminCreateUserOnly: false },
    mfaConfiguration: 'OFF',
    deletionProtection: deletionProtection ? 'ACTIVE' : 'INACTIVE',
  });

  const client = new CognitoUserPoolClient(stack, 'user-pool-client', {
    name: `shop-${stage}-api`,
    userPoolId: pool.id,
    generateSecret: false,
    explicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
    preventUserExistenceErrors: 'ENABLED',
    enableTokenRevocation: true,
    supportedIdentityProviders: ['COGNITO'],
    accessTokenValidity: tokenValidity.accessMinutes,
    idTokenValidity: tokenValidity.idMinutes,
    refreshTokenValidity: tokenValidity.refreshDays,
    tokenValidityUnits: [{ accessToken: 'minutes', idToken: 'minutes', refreshToken: 'days' }],
    // The sign-in a session needs, in minutes: the API has no multi-step challenge to wait for.
    authSessionValidity: 3,
  });

  for (const role of ROLES) {
    new CognitoUserGroup(stack, `user-group-${role.toLowerCase()}`, {
      userPoolId: pool.id,
      name: role,
      description: `Shop role ${role}: handlers check it in the access token's cognito:groups`,
    });
  }
  return { pool, client };
}
