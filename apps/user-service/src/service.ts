import { defineService } from '@shop/platform';
import {
  ConfirmVerificationRequest,
  LoginRequest,
  LoginResponse,
  LogoutRequest,
  RefreshRequest,
  RegisterRequest,
  RegisterResponse,
  User,
  VerificationRequest,
  VerificationSent,
} from '@shop/contracts';

export const service = defineService({
  name: 'user-service',
  description:
    "Accounts: registration and sign-in through the Cognito user pool, the profile of the signed-in user, and the verification of the e-mail address and phone the shop's messages go to.",
  tables: {
    users: {
      description: 'One profile per user, keyed by the Cognito `sub`.',
      partitionKey: { name: 'userId', type: 'S' },
    },
    'contact-verifications': {
      description:
        "One per account and channel (email, sms): the hashed code in play, its wrong tries, and the codes sent in the last hour; one per address or number (keyed by its hash) with the codes sent to it from every account; and one per clock hour with the codes the whole shop texted in it (`shop#<hour>`, sms), for the shop-wide cap. Expire an hour after the last code (the shop's count, an hour after its hour).",
      partitionKey: { name: 'userId', type: 'S' },
      sortKey: { name: 'channel', type: 'S' },
      ttlAttribute: 'forgetAt',
    },
  },
  functions: {
    register: {
      description: 'Creates a CUSTOMER account in the user pool and its profile.',
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/register',
          auth: { kind: 'public' },
          summary: 'Register a customer account',
          request: { body: RegisterRequest },
          response: { status: 201, body: RegisterResponse },
          // 429: Cognito throttled one of the sign-up's calls; the account is removed, and a retry goes through.
          errors: [409, 429],
        },
      ],
      permissions: {
        // GetItem: whether a half-made account that a retry would take up has its profile (then it is finished).
        tables: { users: ['GetItem', 'PutItem'] },
        // InitiateAuth and AdminGetUser: a retry that finds its own half-made account (same password) takes it up.
        userPool: ['SignUp', 'AdminConfirmSignUp', 'AdminAddUserToGroup', 'AdminDeleteUser', 'InitiateAuth', 'AdminGetUser'],
      },
      uses: ['userPool'],
    },
    login: {
      description: 'Signs a user in with email and password and answers their tokens.',
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/login',
          auth: { kind: 'public' },
          summary: 'Sign in',
          request: { body: LoginRequest },
          response: { status: 200, body: LoginResponse },
          errors: [401, 429],
        },
      ],
      permissions: { userPool: ['InitiateAuth'] },
      uses: ['userPool'],
    },
    'refresh-session': {
      description: 'Answers new tokens for the refresh token of a session, with the roles the account has now.',
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/refresh',
          // The refresh token is the credential: the access token it renews may have expired.
          auth: { kind: 'public' },
          summary: 'New tokens for a refresh token',
          request: { body: RefreshRequest },
          response: { status: 200, body: LoginResponse },
          errors: [401, 429],
        },
      ],
      permissions: { userPool: ['InitiateAuth'] },
      uses: ['userPool'],
    },
    logout: {
      description: 'Ends a session: revokes its refresh token, and with it the access tokens made from it.',
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/logout',
          // Whoever holds the refresh token may end its session, as RFC 7009 lets them revoke it.
          auth: { kind: 'public' },
          summary: 'Sign out: revoke a refresh token',
          request: { body: LogoutRequest },
          response: { status: 204 },
          errors: [429],
        },
      ],
      permissions: { userPool: ['RevokeToken'] },
      uses: ['userPool'],
    },
    'get-profile': {
      description: "Answers the signed-in user's profile.",
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/users/me',
          auth: { kind: 'signed-in' },
          summary: 'The profile of the signed-in user',
          response: { status: 200, body: User },
          errors: [404],
        },
      ],
      permissions: { tables: { users: ['GetItem'] } },
    },
    'delete-account': {
      description:
        "Deletes the signed-in customer's account and what the shop keeps of them: their cart (cart-service), verification codes and profile, and last the user in the pool. Orders are kept.",
      triggers: [
        {
          type: 'http',
          method: 'DELETE',
          path: '/users/me',
          // The caller's own account, from the token; a staff account is an administrator's to close.
          auth: { kind: 'signed-in', roles: ['CUSTOMER'] },
          summary: 'Delete your account and your personal data (orders are kept, by user id only)',
          response: { status: 204 },
          // 429: Cognito throttled the deletion of the user; 503: cart-service could not forget the cart. A retry finishes either.
          errors: [429, 503],
        },
      ],
      permissions: {
        // GetItem: the role the profile holds now (a staff account is refused). Then deletes only, in one
        // transaction: the account's verification of each channel, and its profile.
        tables: { users: ['GetItem', 'DeleteItem'], 'contact-verifications': ['DeleteItem'] },
        userPool: ['AdminDeleteUser'],
        invokes: ['cart-service/forget-customer'],
      },
      uses: ['userPool'],
    },
    'request-verification': {
      description: "Sends a one-time code to the signed-in user's own e-mail address or phone, to prove it is theirs.",
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/me/verification',
          auth: { kind: 'signed-in' },
          summary: 'Send a code to verify your e-mail address or phone',
          request: { body: VerificationRequest },
          response: { status: 202, body: VerificationSent },
          errors: [404, 409, 429, 503],
        },
      ],
      permissions: {
        // UpdateItem: when the code went (`deliveredAt`), so that a resend within the minute is answered with it.
        // ConditionCheckItem on users: the code is written only while the account exists.
        tables: { users: ['GetItem', 'ConditionCheckItem'], 'contact-verifications': ['GetItem', 'PutItem', 'UpdateItem'] },
        // The code goes through the very channel it verifies, from the shop's own senders.
        messages: ['email', 'sms'],
      },
      uses: ['email'],
    },
    'confirm-verification': {
      description: 'Checks the code sent to the signed-in user and marks that e-mail address or phone verified.',
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/me/verification/confirm',
          auth: { kind: 'signed-in' },
          summary: 'Verify your e-mail address or phone with the code sent there',
          request: { body: ConfirmVerificationRequest },
          response: { status: 200, body: User },
          errors: [404, 409, 429],
        },
      ],
      permissions: { tables: { users: ['GetItem', 'UpdateItem'], 'contact-verifications': ['GetItem', 'PutItem', 'DeleteItem'] } },
    },
    'get-contact': {
      description: 'Answers where to reach a user (email, name, phone) and which of those they verified, to the functions that send them messages.',
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['notification-service/send-notification'] }],
      permissions: { tables: { users: ['GetItem'] } },
    },
  },
});

export type UserService = typeof service;
