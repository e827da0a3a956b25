import { describe, expect, it } from 'vitest';
import { passwordPolicyViolations } from '../src';

describe('passwordPolicyViolations', () => {
  it('accepts a password that meets every rule', () => {
    expect(passwordPolicyViolations('Sturdy-Passw0rd')).toEqual([]);
  });

  it('names every rule a password breaks', () => {
    expect(passwordPolicyViolations('short')).toEqual([
      'must be at least 8 characters long',
      'must contain an uppercase letter',
      'must contain a number',
    ]);
    expect(passwordPolicyViolations('ALLUPPERCASE1')).toEqual(['must contain a lowercase letter']);
  });
});
