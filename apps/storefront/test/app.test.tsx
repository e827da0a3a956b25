import { renderToString } from 'preact-render-to-string';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { App } from '../src/app';
import { RevocationFailed, SessionStore } from '../src/session';
import { deleteAccount } from '../src/shop/account-deletion';
import { stubApi } from './stub-api';

const login = { token: 't', tokenType: 'Bearer' as const, idToken: 'i', refreshToken: 'r', expiresIn: 3600, expiresAt: '2099-01-01T00:00:00.000Z' };

/** The app as the browser first paints it at `path`, for this session. */
function paint(path: string, session: SessionStore): string {
  vi.stubGlobal('location', new URL(`http://shop.test${path}`));
  const { shop } = stubApi({});
  return renderToString(<App shop={{ ...shop, session, config: { apiUrl: 'http://shop.test', localCloud: false }, storage: undefined, cartChanged: new EventTarget() }} />);
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the app', () => {
  it('has an account page for a signed-in shopper, linked from the header', () => {
    const session = new SessionStore(undefined);
    session.signIn(login, 'ann@example.com');
    const html = paint('/account', session);
    expect(html).toContain('<li><a href="/account" aria-current="page">Account</a></li>');
    expect(html).toContain('<h1>Your account</h1>');
    expect(html).toContain('Loading your account…');
  });

  it('asks anyone else at /account to sign in, and has no account link for them', () => {
    const html = paint('/account', new SessionStore(undefined));
    expect(html).not.toContain('href="/account"');
    expect(html).toContain('href="/sign-in?next=%2Faccount"');
  });

  it('says on the page the shopper lands on that their account is deleted, signed out, until the next sign-in', async () => {
    const session = new SessionStore(undefined);
    session.signIn(login, 'ann@example.com');
    // No page carries a status region of its own for it until then: a page's first status is what its actions did.
    expect(paint('/', session)).not.toContain('role="status"');

    await deleteAccount({ ...stubApi({ 'DELETE /users/me': { status: 204 } }).shop, session });
    const html = paint('/', session);
    // Focusable, and focused as it comes: the page the deletion was asked from is gone.
    expect(html).toContain(`<p class="alert alert-good" role="status" tabindex="-1">Your account is deleted, and you're signed out. Thank you for shopping with us.</p>`);
    expect(html).toContain('<a href="/sign-in">Sign in</a>');

    session.signIn(login, 'ann@example.com');
    expect(paint('/', session)).not.toContain('account is deleted');
  });

  it('tells a shopper whose sign-out the API never confirmed, until the next sign-in', async () => {
    const session = new SessionStore(undefined, Date.now, async () => undefined);
    session.useAuthority({
      renew: async () => 'ended',
      revoke: async () => {
        throw new RevocationFailed('POST /users/logout answered 503', undefined);
      },
    });
    session.signIn(login, 'ann@example.com');
    expect(paint('/', session)).not.toContain('signed out here');

    await session.signOut();
    const html = paint('/', session);
    expect(html).toContain(
      `<main id="main" tabindex="-1"><div class="alert alert-bad" role="alert"><p>You're signed out here, but the shop couldn't confirm it: your session may stay usable elsewhere until it expires.</p></div>`,
    );

    session.signIn(login, 'ann@example.com');
    expect(paint('/', session)).not.toContain('signed out here');
  });
});
