import type { Profile, ShopClient } from '@shop/api-client';
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import { attempt } from './api';
import type { WebConfig } from './config';
import type { Problem } from './problem';
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

/** A profile as read: the profile, or why it could not be read. */
type ProfileRead = { profile: Profile } | { problem: Problem };

const profiles = new Map<string, Promise<ProfileRead>>();
/** Told when a profile is replaced or forgotten, so that everything showing it (the header's role, the account page) follows. */
const profileChanges = new EventTarget();

/**
 * The profile of the shopper with this access token (`GET /users/me`), asked once per token and
 * shared by everyone who asks. A failed read is not kept: the next to ask asks again.
 */
export function readProfile(shop: Pick<Shop, 'client' | 'session'>, token: string): Promise<ProfileRead> {
  const known = profiles.get(token);
  if (known) return known;
  const read = attempt(shop.session, () => shop.client.GET('/users/me')).then((outcome): ProfileRead => {
    if (outcome.ok) return { profile: outcome.data };
    if (profiles.get(token) === read) profiles.delete(token);
    return { problem: outcome.problem };
  });
  profiles.set(token, read);
  return read;
}

/** The profile as the API now answers it elsewhere (a confirmed verification answers it): shown without asking again. */
export function replaceProfile(token: string, profile: Profile): void {
  profiles.set(token, Promise.resolve({ profile }));
  profileChanges.dispatchEvent(new Event('change'));
}

/** Forgets a token's profile, which changed where its answer did not say how: the next to show it asks again. */
export function forgetProfile(token: string): void {
  profiles.delete(token);
  profileChanges.dispatchEvent(new Event('change'));
}

export interface ProfileState {
  profile: Profile | undefined;
  loading: boolean;
  /** Why it could not be read. */
  problem: Problem | undefined;
  /** Shows this profile from now on, everywhere: the API's answer of a change. */
  replace(profile: Profile): void;
  /** Asks for the profile again, everywhere. */
  reload(): void;
}

/** The profile of the signed-in shopper (`GET /users/me`), fetched once per token: where the role comes from. */
export function useProfile(): ProfileState {
  const shop = useShop();
  const signedIn = useSession();
  const [state, setState] = useState<{ token?: string; read?: ProfileRead }>({});
  const [round, setRound] = useState(0);
  useEffect(() => {
    const heard = () => setRound((r) => r + 1);
    profileChanges.addEventListener('change', heard);
    return () => profileChanges.removeEventListener('change', heard);
  }, []);
  useEffect(() => {
    if (!signedIn) return;
    let current = true;
    void readProfile(shop, signedIn.token).then((read) => current && setState({ token: signedIn.token, read }));
    return () => {
      current = false;
    };
  }, [shop, signedIn?.token, round]);
  // The token of the moment the change is known: a renewal meanwhile must not leave it on the old one.
  const token = () => shop.session.get()?.token;
  const changes = {
    replace: (profile: Profile) => {
      const now = token();
      if (now) replaceProfile(now, profile);
    },
    reload: () => {
      const now = token();
      if (now) forgetProfile(now);
    },
  };
  const read = signedIn && state.token === signedIn.token ? state.read : undefined;
  return {
    profile: read && 'profile' in read ? read.profile : undefined,
    problem: read && 'problem' in read ? read.problem : undefined,
    loading: signedIn !== undefined && state.token !== signedIn.token,
    ...changes,
  };
}

export function isStaff(profile: Profile | undefined): boolean {
  return profile?.role === 'ADMIN' || profile?.role === 'MANAGER';
}
