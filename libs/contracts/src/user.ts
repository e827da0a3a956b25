import * as z from 'zod/mini';
import { IsoTimestamp } from './ids';
import { ROLES } from './roles';

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/**
 * An e-mail address, kept in lower case. At most 128 characters, though an address may have 254:
 * it is the account's Cognito username, which Cognito caps at 128, and a longer one would be
 * refused there with an error naming a `username` the client never sent.
 */
export const EMAIL_MAX = 128;

export const Email = z.pipe(
  z.email().check(z.maxLength(EMAIL_MAX)),
  z.transform((e: string) => e.toLowerCase()),
);

/**
 * What a mail client may turn into a link: `http`, `://`, `www.`, an `@`, a label, a dot
 * (or an ideographic one, as IDNA reads them) and a label that starts with a letter
 * (`shop.example`, `bit.ly`; not `J.R.R.` nor `2.50`), or an IPv4 address.
 */
const LINK_LIKE = /http|:\/\/|www[.\u3002\uff0e\uff61]|@|[\p{L}\p{N}-][.\u3002\uff0e\uff61]\p{L}[\p{L}\p{N}-]+|\d{1,3}(?:[.]\d{1,3}){3}/iu;

/**
 * Control characters, line and paragraph separators, and invisible formatting (bidi overrides,
 * zero-width spaces), except the zero-width (non-)joiners that Persian, Indic scripts and emoji
 * sequences need.
 */
const INVISIBLE = /[\p{Cc}\p{Zl}\p{Zp}]|(?![\u200c\u200d])\p{Cf}/u;
const JOINERS = /[\u200c\u200d]/g;

/**
 * A name is shown at the top of every message the shop sends (e-mail, SMS), so it must not be
 * able to carry anything but a name: no control or invisible formatting characters, and nothing
 * a mail client would turn into a link (URLs, `www.`, anything shaped like a domain or an e-mail
 * address). Checked after NFKC normalisation, so full-width look-alikes (`ｗｗｗ．`) count too.
 * Answers why the name is refused, or undefined when it may be shown.
 */
export function nameProblem(name: string): string | undefined {
  const plain = name.normalize('NFKC');
  if (INVISIBLE.test(plain)) return 'must not contain control or invisible characters';
  // The joiners cannot hide a link from this check: it reads the name without them.
  if (LINK_LIKE.test(plain.replace(JOINERS, ''))) return 'must not contain links, web or e-mail addresses';
  return undefined;
}

/**
 * The name with control characters and line breaks made spaces, invisible formatting taken out
 * (joiners kept) and its spaces collapsed: how a message can show a name stored before names were
 * checked. What is left may still be link-like (an invisible character may have split a domain):
 * check it with `nameProblem`.
 */
export function plainName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/(?![\u200c\u200d])\p{Cf}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
}

export const UserName = z.string().check(
  z.trim(),
  z.minLength(1),
  z.maxLength(100),
  z.superRefine((name, context) => {
    const problem = nameProblem(name);
    if (problem) context.addIssue({ code: 'custom', message: problem });
  }),
);

/** A mobile number in E.164 form, where order updates go by SMS. */
export const PhoneNumber = z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550123'));

export const User = z.object({
  userId: z.string().check(z.minLength(1)),
  email: z.string(),
  /** Messages go only to a verified address (POST /users/me/verification). */
  emailVerified: z.boolean(),
  name: z.string(),
  /** Given at registration, for order updates by SMS. */
  phone: z.optional(z.string()),
  /** Present with `phone`: texts go only to a verified number. */
  phoneVerified: z.optional(z.boolean()),
  role: Role,
  createdAt: IsoTimestamp,
});
export type User = z.infer<typeof User>;

/** The pool's policy decides what a good password is; this only bounds the size of what we pass on. */
const Password = z.string().check(z.minLength(1), z.maxLength(256));

export const RegisterRequest = z.strictObject({
  email: Email,
  password: Password,
  name: UserName,
  phone: z.optional(PhoneNumber),
});
export type RegisterRequest = z.infer<typeof RegisterRequest>;

export const RegisterResponse = z.object({ userId: z.string(), email: z.string() });
export type RegisterResponse = z.infer<typeof RegisterResponse>;

export const LoginRequest = z.strictObject({
  email: Email,
  password: Password,
});
export type LoginRequest = z.infer<typeof LoginRequest>;

export const LoginResponse = z.object({
  /** The access token: send it as `Authorization: Bearer <token>`. */
  token: z.string(),
  tokenType: z.literal('Bearer'),
  idToken: z.string(),
  refreshToken: z.optional(z.string()).check(
    z.describe(
      'For new access tokens without the password (POST /users/refresh) until it expires or is revoked (POST /users/logout). ' +
        'Only sign-in answers one; a refresh leaves the one you have in force. Keep it as secret as the password.',
    ),
  ),
  expiresIn: z.int().check(z.describe('seconds until the token expires')),
  expiresAt: IsoTimestamp,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/**
 * A refresh token from POST /users/login: Cognito's are about 1.8 KB of the characters its RevokeToken
 * accepts, so anything else (`Bearer …`, a space, a quote) is a client's mistake, answered 400.
 */
const RefreshToken = z
  .string()
  .check(z.minLength(1), z.maxLength(8192), z.regex(/^[A-Za-z0-9_=.-]+$/, 'must be the refreshToken that POST /users/login answered, as it is'));

/** POST /users/refresh: new tokens for the refresh token of a session. */
export const RefreshRequest = z.strictObject({ refreshToken: RefreshToken });
export type RefreshRequest = z.infer<typeof RefreshRequest>;

/** POST /users/logout: ends the session of this refresh token. */
export const LogoutRequest = z.strictObject({ refreshToken: RefreshToken });
export type LogoutRequest = z.infer<typeof LogoutRequest>;

/** user-service's get-contact (invoked by notification-service): where to reach a user. */
export const GetContactRequest = z.strictObject({ userId: z.string().check(z.minLength(1), z.maxLength(128)) });
export type GetContactRequest = z.infer<typeof GetContactRequest>;

/** Where to reach a user; only a verified channel may be written to. */
export const Contact = z.object({
  userId: z.string(),
  email: z.string(),
  emailVerified: z.boolean(),
  name: z.string(),
  phone: z.optional(z.string()),
  phoneVerified: z.optional(z.boolean()),
});
export type Contact = z.infer<typeof Contact>;

/** The error name get-contact answers for a user it does not know. */
export const USER_NOT_FOUND = 'UserNotFound';

/** The two ways the shop reaches a person: what `POST /users/me/verification` verifies. */
export const ContactChannel = z.enum(['email', 'sms']);
export type ContactChannel = z.infer<typeof ContactChannel>;

/** `POST /users/me/verification`: send a one-time code through the channel, to the account's own address or phone. */
export const VerificationRequest = z.strictObject({ channel: ContactChannel });
export type VerificationRequest = z.infer<typeof VerificationRequest>;

export const VerificationSent = z.object({
  channel: ContactChannel,
  /** Where the code went, masked: `a***@example.com`, `+1******0123`. */
  sentTo: z.string(),
  /** When the code stops working. */
  expiresAt: IsoTimestamp,
});
export type VerificationSent = z.infer<typeof VerificationSent>;

/** The one-time code a verification sends: six digits. */
export const VerificationCode = z.string().check(z.regex(/^\d{6}$/, 'must be the 6-digit code that was sent'));

/** `POST /users/me/verification/confirm`: the code that was sent; answers the profile, now verified. */
export const ConfirmVerificationRequest = z.strictObject({ channel: ContactChannel, code: VerificationCode });
export type ConfirmVerificationRequest = z.infer<typeof ConfirmVerificationRequest>;
