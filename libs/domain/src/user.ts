import * as z from 'zod';
import { IsoTimestamp } from './ids';
import { ROLES } from './roles';

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Email = z.email().max(254).transform((e) => e.toLowerCase());

export const UserName = z.string().trim().min(1).max(100);

/** A mobile number in E.164 form, where order updates go by SMS. */
export const PhoneNumber = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +14155550123');

export const User = z.object({
  userId: z.string().min(1),
  email: z.string(),
  name: z.string(),
  /** Given at registration, for order updates by SMS. */
  phone: z.string().optional(),
  role: Role,
  createdAt: IsoTimestamp,
});
export type User = z.infer<typeof User>;

/** The pool's policy decides what a good password is; this only bounds the size of what we pass on. */
const Password = z.string().min(1).max(256);

export const RegisterRequest = z.strictObject({
  email: Email,
  password: Password,
  name: UserName,
  phone: PhoneNumber.optional(),
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
  refreshToken: z.string().optional(),
  expiresIn: z.int().describe('seconds until the token expires'),
  expiresAt: IsoTimestamp,
});
export type LoginResponse = z.infer<typeof LoginResponse>;

/** user-service's get-contact (invoked by notification-service): where to reach a user. */
export const GetContactRequest = z.strictObject({ userId: z.string().min(1).max(128) });
export type GetContactRequest = z.infer<typeof GetContactRequest>;

export const Contact = z.object({ userId: z.string(), email: z.string(), name: z.string(), phone: z.string().optional() });
export type Contact = z.infer<typeof Contact>;

/** The error name get-contact answers for a user it does not know. */
export const USER_NOT_FOUND = 'UserNotFound';
