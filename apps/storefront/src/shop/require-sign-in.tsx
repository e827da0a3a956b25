import type { ComponentChildren, ComponentType } from 'preact';
import { useLocation } from 'preact-iso';
import { useSession } from '../shop-context';
import { Page } from '../ui/page';

/** A page for signed-in shoppers: anyone else is asked to sign in, and brought back afterwards. */
export function RequireSignIn({ title, children }: { title: string; children: ComponentChildren }) {
  const signedIn = useSession();
  const { url } = useLocation();
  if (signedIn) return <>{children}</>;
  return (
    <Page title={title}>
      <p>
        Please <a href={`/sign-in?next=${encodeURIComponent(url)}`}>sign in</a> or <a href={`/sign-up?next=${encodeURIComponent(url)}`}>create an account</a> to
        see this page.
      </p>
    </Page>
  );
}

/** The page at a route for signed-in shoppers only: `View` for them, the invitation above for anyone else. */
export function signedInPage(title: string, View: ComponentType): ComponentType {
  return function SignedInPage() {
    return (
      <RequireSignIn title={title}>
        <View />
      </RequireSignIn>
    );
  };
}

/** Where to go after signing in: a path of this site only, never another origin. */
export function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
}
