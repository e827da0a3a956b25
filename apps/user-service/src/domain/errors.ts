import { BadRequestError, ConflictError, UnauthorizedError } from '@shop/common';

/** The password breaks the pool's policy. Says which rules, never the password. */
export class InvalidPasswordError extends BadRequestError {
  constructor(reasons: readonly string[]) {
    super(
      `Password does not meet the policy: ${reasons.join('; ')}`,
      reasons.map((message) => ({ field: 'password', message })),
      'INVALID_PASSWORD',
    );
  }
}

export class EmailTakenError extends ConflictError {
  constructor() {
    super('An account with this email already exists', 'EMAIL_TAKEN');
  }
}

/**
 * Wrong password, unknown or unconfirmed user: one answer for all, so that sign-in cannot be
 * used to learn which emails have accounts.
 */
export class InvalidCredentialsError extends UnauthorizedError {
  constructor() {
    super('Incorrect email or password', 'INVALID_CREDENTIALS');
  }
}
