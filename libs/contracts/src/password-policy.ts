/**
 * The user pool's password policy, declared once: the local cloud and infra configure the
 * pool with it, and user-service checks it first so that the caller learns every rule a
 * password breaks in one answer.
 */
export const PASSWORD_POLICY = {
  minimumLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: false,
} as const;

export type PasswordPolicy = { readonly [K in keyof typeof PASSWORD_POLICY]: (typeof PASSWORD_POLICY)[K] extends number ? number : boolean };

/** Every rule of the policy that the password breaks, in words; empty when it is acceptable. */
export function passwordPolicyViolations(password: string, policy: PasswordPolicy = PASSWORD_POLICY): string[] {
  const broken: string[] = [];
  if (password.length < policy.minimumLength) broken.push(`must be at least ${policy.minimumLength} characters long`);
  if (policy.requireLowercase && !/[a-z]/.test(password)) broken.push('must contain a lowercase letter');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) broken.push('must contain an uppercase letter');
  if (policy.requireNumbers && !/[0-9]/.test(password)) broken.push('must contain a number');
  if (policy.requireSymbols && !/[^A-Za-z0-9]/.test(password)) broken.push('must contain a symbol');
  return broken;
}
