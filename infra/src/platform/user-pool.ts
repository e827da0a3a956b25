import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { PASSWORD_POLICY, ROLES } from '@shop/contracts';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * What the app client may write and read of a user's attributes: in SignUp, and with a user's
 * own access token, which carries `aws.cognito.signin.user.admin` (the API's routes require it),
 * the scope Cognito's UpdateUserAttributes and GetUser take. Left unset, Cognito lets the client
 * write every standard attribute and read them all (Cognito API Reference, UserPoolClientType:
 * WriteAttributes, ReadAttributes): any signed-in customer could call UpdateUserAttributes and add
 * `address`, `birthdate`, `phone_number`… to their account, bypassing the shop. What was found
 * (Cognito Developer Guide, "User pool attributes" → "Attribute permissions and scopes",
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html):
 *
 * - SignUp is held to the write list like UpdateUserAttributes (an attribute outside it is refused,
 *   NotAuthorizedException "A client attempted to write unauthorized attribute"), and user-service
 *   registers with SignUp through this client, sending `email` and `name`
 *   (apps/user-service/src/adapters/cognito-account-directory.ts). So those two must stay writable,
 *   and so a customer can still change them with UpdateUserAttributes, the e-mail address being
 *   the sign-in name (the guide: a user who signed up with an e-mail address as username may change
 *   it to another). Closing that takes registering with the Admin API (AdminCreateUser), which no
 *   client list limits; then this list could shrink.
 * - An empty list is no way out: the AWS provider drops an empty `write_attributes`, and Cognito
 *   then allows every standard attribute again (hashicorp/terraform-provider-aws#28684).
 * - "Required attributes in a user pool are always writable": the pool marks none required
 *   (`email` is its username attribute, not a required one), so nothing else must be listed.
 * - `email_verified` is not written: listed, a customer could mark any address verified. (The
 *   shop's own verification is user-service's; make-admin sets `email_verified` with the Admin API.)
 * - Read: what the ID token the API hands out carries, which holds only readable attributes: the
 *   address with its `email_verified`, and the name; no attribute the shop does not set.
 *
 * DeleteUser, with the same access token, deletes the customer's own Cognito account; no client
 * setting switches it off, and nothing here tries to.
 */
export const CLIENT_WRITE_ATTRIBUTES = ['email', 'name'] as const;
export const CLIENT_READ_ATTRIBUTES = ['email', 'email_verified', 'name'] as const;

/**
 * The shop's Cognito user pool: email addresses as usernames, the password policy user-service
 * checks first (libs/contracts, docs/decisions.md #2), one group per role, and the client the API
 * and the storefront sign in with. user-service signs up with `SignUp` and confirms with
 * `AdminConfirmSignUp`, signs in with `InitiateAuth` / `USER_PASSWORD_AUTH`, renews sessions
 * with `REFRESH_TOKEN_AUTH` (`POST /users/refresh`) and ends them with `RevokeToken`
 * (`POST /users/logout`). So the client has no secret (the API's callers are browsers and apps,
 * which cannot keep one, and SignUp and InitiateAuth would need its hash), allows exactly those
 * two flows, and gives the stage's token lifetimes; revoking a refresh token (sign-out) is on. Of
 * the users' attributes it writes and reads only those listed above.
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
    writeAttributes: [...CLIENT_WRITE_ATTRIBUTES],
    readAttributes: [...CLIENT_READ_ATTRIBUTES],
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
