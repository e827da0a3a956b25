import { createShopClient, isApiError, type ShopClient } from '@shop/api-client';
import { networkProblem, type Problem, type ProblemContext, problemFromAnswer, retryAfterSeconds } from './problem';
import { RevocationFailed, type SessionStore } from './session';

export type Outcome<T> = { ok: true; data: T; response: Response } | { ok: false; problem: Problem };

/**
 * Runs one call of the typed client and turns every failure into a Problem. A 401 on a signed-in
 * call means the token is no longer good: the session is forgotten, so the app asks to sign in.
 */
export async function attempt<T>(
  session: SessionStore,
  call: () => Promise<{ data?: T; error?: unknown; response: Response }>,
  context?: ProblemContext,
): Promise<Outcome<T>> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call();
  } catch {
    return { ok: false, problem: networkProblem() };
  }
  const { response } = result;
  if (response.ok) return { ok: true, data: result.data as T, response };
  if (response.status === 401 && context !== 'sign-in') session.clear();
  const header = (name: string) => response.headers.get(name) ?? undefined;
  return { ok: false, problem: problemFromAnswer(response.status, result.error, context, header('x-request-id'), header('retry-after')) };
}

/**
 * The app's client: every request signed with the session's access token, which the session
 * renews through a client of its own (unsigned: a renewal must not wait for itself).
 */
export function shopClient(apiUrl: string, session: SessionStore, fetch?: (request: Request) => Promise<Response>): ShopClient {
  const where = { baseUrl: apiUrl, ...(fetch ? { fetch } : {}) };
  const unsigned = createShopClient(where);
  session.useAuthority({
    async renew(refreshToken) {
      const { data, response } = await unsigned.POST('/users/refresh', { body: { refreshToken } });
      if (data) return data;
      if (response.status === 401 || response.status === 400) return 'ended';
      throw new Error(`POST /users/refresh answered ${response.status}`);
    },
    async revoke(refreshToken) {
      const { error, response } = await unsigned.POST('/users/logout', { body: { refreshToken } });
      // 204: revoked (or revoked already). NOT_A_REFRESH_TOKEN: there is nothing to revoke, now or ever.
      if (response.status === 204) return;
      if (response.status === 400 && isApiError(error) && error.error.code === 'NOT_A_REFRESH_TOKEN') return;
      // Anything else (throttled, the API in trouble) leaves the token as good as it was.
      throw new RevocationFailed(`POST /users/logout answered ${response.status}`, retryAfterSeconds(response.headers.get('retry-after')));
    },
  });
  return createShopClient({ ...where, accessToken: () => session.token() });
}
