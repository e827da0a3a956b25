import { BadRequestError, ConflictError, HttpError, UnauthorizedError } from '@shop/common';
import type { ContactChannel } from '@shop/contracts';

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

/** A refresh token that is expired, revoked or was never issued: one answer for all. */
export class InvalidRefreshTokenError extends UnauthorizedError {
  constructor() {
    super('The session has ended: sign in again', 'INVALID_REFRESH_TOKEN');
  }
}

/** Sign-out was given a token that is not a refresh token (an access or ID token): nothing was ended. */
export class NotARefreshTokenError extends BadRequestError {
  constructor() {
    super('This is not a refresh token: send the refreshToken that POST /users/login answered', [{ field: 'refreshToken', message: 'not a refresh token' }], 'NOT_A_REFRESH_TOKEN');
  }
}

/** The channel asked to verify is verified already. */
export class AlreadyVerifiedError extends ConflictError {
  constructor(channel: ContactChannel) {
    super(`Your ${CHANNEL_NAMES[channel]} is verified already`, 'ALREADY_VERIFIED');
  }
}

/** An SMS code for an account that gave no phone number. */
export class NoPhoneError extends BadRequestError {
  constructor() {
    super('This account has no phone number to verify', [{ field: 'channel', message: 'the account has no phone number' }], 'NO_PHONE');
  }
}

/** Five codes on one channel within an hour: the next one may go when the oldest of them is an hour old. */
export class TooManyCodesError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'TOO_MANY_REQUESTS', `Too many codes sent; try again in ${retryAfterSeconds} seconds`, undefined, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

/**
 * The shop sent as many verification texts this clock hour as it sends in one (SMS_CODES_PER_HOUR),
 * whoever asked: the next may go in the next hour. A code of its own, not TOO_MANY_REQUESTS: the
 * caller asked for nothing too often (their account and number may never have had a code), so the
 * answer must not read as their doing, and a client can tell it apart to offer what still works,
 * the e-mail address.
 */
export class ShopSmsLimitError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'SHOP_SMS_LIMIT_REACHED', 'The shop is sending too many text messages right now; try again later, or verify your e-mail address', undefined, {
      'retry-after': String(retryAfterSeconds),
    });
  }
}

/**
 * A wrong code, an expired one, or none sent: one answer for all, so that a guess teaches
 * nothing but that it was wrong.
 */
export class InvalidCodeError extends BadRequestError {
  constructor() {
    super('The code is wrong or has expired', [{ field: 'code', message: 'wrong or expired' }], 'INVALID_CODE');
  }
}

/** Five wrong codes in a row burn the code: only a new one can verify the channel. */
export class CodeBurntError extends HttpError {
  constructor() {
    super(429, 'TOO_MANY_ATTEMPTS', 'Too many wrong codes: this code no longer works; ask for a new one');
  }
}

/** Two requests changed the same verification at once; the loser may simply retry. */
export class VerificationBusyError extends HttpError {
  constructor() {
    super(429, 'TOO_MANY_REQUESTS', 'Another request for this verification is in progress; try again', undefined, { 'retry-after': '1' });
  }
}

/**
 * SES or SNS did not take the code (an outage, a timeout, a refusal): the customer is told to try
 * again soon. The code was counted against the hourly limits before it went, as every code is, so
 * that a send which failed after all, or one whose answer was lost, still counts.
 */
export class CodeNotSentError extends HttpError {
  constructor(channel: ContactChannel, cause: unknown) {
    super(
      503,
      'CODE_NOT_SENT',
      `Your code could not be sent to your ${CHANNEL_NAMES[channel]} right now; try again in 30 seconds (each try counts toward the five codes an hour)`,
      undefined,
      { 'retry-after': '30' },
    );
    this.cause = cause;
  }
}

const CHANNEL_NAMES: Record<ContactChannel, string> = { email: 'e-mail address', sms: 'phone number' };
