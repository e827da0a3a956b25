import { useLocation } from 'preact-iso';
import { attempt } from '../api';
import type { Problem } from '../problem';
import { useShop } from '../shop-context';
import { safeNext } from './require-sign-in';

/** Signs in and goes back to the page that asked for it; answers the problem when the API refused. */
export function useSignIn(): (email: string, password: string) => Promise<Problem | void> {
  const shop = useShop();
  const { query, route } = useLocation();
  return async (email, password) => {
    const outcome = await attempt(shop.session, () => shop.client.POST('/users/login', { body: { email, password } }), 'sign-in');
    if (!outcome.ok) return outcome.problem;
    shop.session.signIn(outcome.data, email);
    route(safeNext(query['next']));
  };
}
