import { defineService } from '@shop/common';
import { LoginRequest, LoginResponse, RegisterRequest, RegisterResponse, User } from '@shop/domain';

export const service = defineService({
  name: 'user-service',
  description: 'Accounts: registration and sign-in through the Cognito user pool, and the profile of the signed-in user.',
  tables: {
    users: {
      description: 'One profile per user, keyed by the Cognito `sub`.',
      partitionKey: { name: 'userId', type: 'S' },
    },
  },
  functions: {
    register: {
      description: 'Creates a CUSTOMER account in the user pool and its profile.',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/register',
          auth: { kind: 'public' },
          summary: 'Register a customer account',
          request: { body: RegisterRequest },
          response: { status: 201, body: RegisterResponse },
          errors: [409],
        },
      ],
      permissions: {
        tables: { users: 'write' },
        userPool: ['SignUp', 'AdminConfirmSignUp', 'AdminAddUserToGroup', 'AdminDeleteUser'],
      },
      uses: ['userPool'],
    },
    login: {
      description: 'Signs a user in with email and password and answers their tokens.',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [
        {
          type: 'http',
          method: 'POST',
          path: '/users/login',
          auth: { kind: 'public' },
          summary: 'Sign in',
          request: { body: LoginRequest },
          response: { status: 200, body: LoginResponse },
          errors: [401],
        },
      ],
      permissions: { userPool: ['InitiateAuth'] },
      uses: ['userPool'],
    },
    'get-profile': {
      description: "Answers the signed-in user's profile.",
      memoryMb: 256,
      timeoutSeconds: 10,
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
      permissions: { tables: { users: 'read' } },
    },
    'get-contact': {
      description: 'Answers where to reach a user (email, name, phone) to the functions that send them messages.',
      memoryMb: 256,
      timeoutSeconds: 5,
      triggers: [{ type: 'invoke', callers: ['notification-service/send-notification'] }],
      permissions: { tables: { users: 'read' } },
    },
  },
});

export type UserService = typeof service;
