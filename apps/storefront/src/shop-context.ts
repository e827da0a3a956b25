import type { Profile, ShopClient } from '@shop/api-client';
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { attempt } from './api';
import type { WebConfig } from './config';
import type { SessionStore, SignedIn } from './session';

/** What every page needs: the run-time config, the typed API client, the session and the tab's storage. */
export interface Shop {
  config: WebConfig;
  client: ShopClient;
  session: SessionStore;
  /** sessionStorage, when the browser gives one. */
  storage: Storage | undefined;
  /** Tells whoever shows the cart (the header's count) that it changed. */
  cartChanged: EventTarget;
}

export const ShopContext = createContext<Shop | undefined>(undefined);

export function useShop(): Shop {
  const shop = useContext(ShopContext);
  if (!shop) throw new Error('useShop outside <ShopContext.Provider>');
  return shop;
}

/** The signed-in shopper, re-rendering on sign-in and sign-out. */
export function useSession(): SignedIn | undefined {
  const { session } = useShop();
  const [current, setCurrent] = useState(() => session.get());
  useEffect(() => session.subscribe(() => setCurrent(session.get())), [session]);
  return current;
}

const profiles = new Map<string, Promise<Profile | undefined>>();

/** The profile of the signed-in shopper (`GET /users/me`), fetched once per token: where the role comes from. */
export function useProfile(): { profile: Profile | undefined; loading: boolean } {
  const shop = useShop();
  const signedIn = useSession();
  const [state, setState] = useState<{ token?: string; profile?: Profile }>({});
  useEffect(() => {
    if (!signedIn) return;
    let current = true;
    let pending = profiles.get(signedIn.token);
    if (!pending) {
      pending = attempt(shop.session, () => shop.client.GET('/users/me')).then((o) => (o.ok ? o.data : undefined));
      profiles.set(signedIn.token, pending);
    }
    void pending.then((profile) => current && setState({ token: signedIn.token, ...(profile ? { profile } : {}) }));
    return () => {
      current = false;
    };
  }, [shop, signedIn?.token]);
  if (!signedIn) return { profile: undefined, loading: false };
  return { profile: state.token === signedIn.token ? state.profile : undefined, loading: state.token !== signedIn.token };
}

export function isStaff(profile: Profile | undefined): boolean {
  return profile?.role === 'ADMIN' || profile?.role === 'MANAGER';
}
