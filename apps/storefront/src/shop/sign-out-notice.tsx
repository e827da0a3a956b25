import { useEffect, useState } from 'preact/hooks';
import { useShop } from '../shop-context';
import { Notice } from '../ui/problem-alert';
import { accountDeletedHere } from './account-deletion';

/**
 * Said after a sign-out whose revocation the API never confirmed, until the next sign-in: the
 * session is gone from this tab, but its refresh token may still work wherever a copy of it is.
 */
export function SignOutNotice() {
  const { session } = useShop();
  const [unconfirmed, setUnconfirmed] = useState(() => session.signOutUnconfirmed());
  useEffect(() => session.subscribe(() => setUnconfirmed(session.signOutUnconfirmed())), [session]);
  if (!unconfirmed) return null;
  return (
    <div class="alert alert-bad" role="alert">
      <p>You're signed out here, but the shop couldn't confirm it: your session may stay usable elsewhere until it expires.</p>
    </div>
  );
}

/**
 * Said after the shopper deleted their account in this tab, on every page until the next sign-in:
 * the session ended with it. A status, politely announced: the shopper asked for this. Rendered
 * only then, and focused as it comes (the page it was asked from is gone), so that no page carries
 * an empty status region of its own beside the one that reports what the page's actions did.
 */
export function AccountDeletedNotice() {
  const { session } = useShop();
  const [deleted, setDeleted] = useState(() => accountDeletedHere(session));
  useEffect(() => session.subscribe(() => setDeleted(accountDeletedHere(session))), [session]);
  if (!deleted) return null;
  return <Notice text="Your account is deleted, and you're signed out. Thank you for shopping with us." focusOnChange />;
}
