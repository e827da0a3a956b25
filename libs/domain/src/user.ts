import * as z from 'zod';
import { IsoTimestamp } from './ids';
import { ROLES } from './roles';

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

export const Email = z.email().max(254).transform((e) => e.toLowerCase());

export const UserName = z.string().trim().min(1).max(100);

export const User = z.object({
  userId: z.string().min(1),
  email: z.string(),
  name: z.string(),
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
