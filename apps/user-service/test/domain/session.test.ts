import { LoginResponse } from '@shop/contracts';
import { describe, expect, it } from 'vitest';
import { toLoginResponse } from '../../src/domain/session';

describe('login answer', () => {
  it('hands out the access token as the bearer token and says when it expires', () => {
    const answer = toLoginResponse(
      { accessToken: 'access', idToken: 'id', refreshToken: 'refresh', expiresIn: 3600 },
      new Date('2025-05-01T10:00:00.000Z'),
    );
    expect(answer).toEqual({
      token: 'access',
      tokenType: 'Bearer',
      idToken: 'id',
      refreshToken: 'refresh',
      expiresIn: 3600,
      expiresAt: '2025-05-01T11:00:00.000Z',
    });
    expect(LoginResponse.safeParse(answer).success).toBe(true);
  });

  it('leaves the refresh token out when the pool gave none', () => {
    const answer = toLoginResponse({ accessToken: 'a', idToken: 'i', expiresIn: 300 }, new Date(0));
    expect(answer).not.toHaveProperty('refreshToken');
    expect(LoginResponse.safeParse(answer).success).toBe(true);
  });
});
