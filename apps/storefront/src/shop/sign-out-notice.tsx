import { useEffect, useState } from 'preact/hooks';
import { useShop } from '../shop-context';

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
