/**
 * The roles, as Cognito groups. Plain data on purpose: libs/auth (the auth-layer) checks groups
 * against it without pulling zod into the layer.
 */
export const ROLES = ['CUSTOMER', 'ADMIN', 'MANAGER'] as const;
