import { createShopClient, type ShopClient } from '@shop/api-client';
import { networkProblem, type Problem, type ProblemContext, problemFromAnswer } from './problem';
import type { SessionStore } from './session';

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
  return { ok: false, problem: problemFromAnswer(response.status, result.error, context, response.headers.get('x-request-id') ?? undefined) };
}

export function shopClient(apiUrl: string, session: SessionStore): ShopClient {
  return createShopClient({ baseUrl: apiUrl, accessToken: () => session.token() });
}
