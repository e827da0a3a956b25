import { attempt } from '../api';
import type { Problem } from '../problem';
import type { SessionStore } from '../session';
import type { Shop } from '../shop-context';

/** What the shopper types to delete their account: a deliberate act, which no stray click or key makes. */
export const CONFIRMATION_WORD = 'DELETE';

/** Whether the text typed confirms the deletion: the word, in any case, spaces around it aside. */
export function confirmsDeletion(typed: string): boolean {
  return typed.trim().toUpperCase() === CONFIRMATION_WORD;
}

/** The deletion under way in each tab's session: a second press while it runs gets its answer, not a request of its own. */
const running = new WeakMap<SessionStore, Promise<Problem | void>>();

/** Sessions that ended here with their account deleted: the pages say so until the next sign-in. */
const deletedHere = new WeakSet<SessionStore>();

/**
 * "Delete my account" (`DELETE /users/me`): nothing on a refusal, which answers the problem (a
 * step that failed midway is 503 `DELETION_INCOMPLETE`, and the same request again finishes the
 * job). On 204 the session ends here as a sign-out ends it, its tokens gone from memory and
 * sessionStorage, but nothing is revoked: the refresh token died with the account's user, and a
 * revocation the API could not confirm would tell the shopper their session may live on.
 *
 * One request at a time per session, whatever the buttons show: a double click lands before the
 * page can disable its button.
 */
export function deleteAccount(shop: Pick<Shop, 'client' | 'session'>): Promise<Problem | void> {
  const { session } = shop;
  const underWay = running.get(session);
  if (underWay) return underWay;
  const deletion = attempt(session, () => shop.client.DELETE('/users/me'), 'delete-account')
    .then((outcome) => {
      if (!outcome.ok) return outcome.problem;
      // Marked before the session ends, so that whoever hears of the end hears why.
      deletedHere.add(session);
      session.clear();
    })
    .finally(() => running.delete(session));
  running.set(session, deletion);
  return deletion;
}

/** Whether this tab's last session ended with its account deleted, and nobody signed in since. */
export function accountDeletedHere(session: SessionStore): boolean {
  if (session.get()) deletedHere.delete(session);
  return deletedHere.has(session);
}
