import { createShopClient } from '@shop/api-client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeadlessBrowser, launchBrowser, newPage, seriousAccessibilityViolations } from '../src/browser';
import { cloud } from '../src/cloud';

/*
 * A customer deletes her account on the storefront's account page (apps/storefront, "Deleting the
 * account"), as the App Store's rule and GDPR's right to erasure ask: in the app, behind a
 * confirmation no stray click gives, and signed out afterwards.
 */

const web = cloud.webUrl;
// The typed client generated from docs/openapi.json, as an API consumer would use it.
const api = createShopClient({ baseUrl: cloud.apiUrl });
const PASSWORD = 'Sturdy-Passw0rd';

let chromium: HeadlessBrowser;

/** A new customer, registered through the API; answers her e-mail address. */
async function register(name: string): Promise<string> {
  const email = `leaving-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  const { response } = await api.POST('/users/register', { body: { email, password: PASSWORD, name } });
  expect(response.status).toBe(201);
  return email;
}

/** Fills in and sends the storefront's sign-in form. */
async function signInInBrowser(page: Page, email: string): Promise<void> {
  await page.goto(`${web}/sign-in`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/**
 * Cold starts (a few seconds each on two busy cores) are not the page's to test: a deletion through
 * the typed client first starts user-service's function and cart-service's forget-customer, and
 * the routes the account page and the header call.
 */
async function warmUp(): Promise<void> {
  const email = await register('Warm Up');
  const { data: session } = await api.POST('/users/login', { body: { email, password: PASSWORD } });
  const signed = createShopClient({ baseUrl: cloud.apiUrl, accessToken: () => session?.token });
  await Promise.all([signed.GET('/users/me'), signed.GET('/cart')]);
  expect((await signed.DELETE('/users/me')).response.status).toBe(204);
}

describe.skipIf(!web)('deleting an account on the storefront', () => {
  beforeAll(async () => {
    chromium = await launchBrowser();
    await warmUp();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('deletes a signed-in customer’s account once she has typed the word: she lands signed out on the catalogue, told so, and cannot sign in again', async () => {
    const email = await register('Dora Leaving');
    const { context, page } = await newPage(chromium.browser);
    await signInInBrowser(page, email);
    await page.getByRole('button', { name: /Sign out/ }).waitFor();

    await page.getByRole('link', { name: 'Account', exact: true }).click();
    const section = page.getByRole('region', { name: 'Delete my account' });
    const button = section.getByRole('button', { name: 'Delete my account' });
    await button.waitFor();
    await section.getByText('Your orders are kept').waitFor();
    // No click deletes the account until the word is typed.
    expect(await button.isDisabled()).toBe(true);
    await section.getByLabel('Type DELETE to confirm').fill('DELETE');
    expect(await button.isEnabled()).toBe(true);
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await button.click();

    await page.getByRole('status').filter({ hasText: 'Your account is deleted' }).waitFor({ timeout: 30_000 });
    await page.getByRole('heading', { level: 1, name: 'Products' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.getByRole('link', { name: 'Account', exact: true }).count()).toBe(0);
    // Ended as a sign-out ends it: the tab keeps no token.
    expect(await page.evaluate(() => sessionStorage.getItem('shop.session'))).toBeNull();

    // The same e-mail address and password sign in no more, in the page as through the API.
    await signInInBrowser(page, email);
    await page.getByRole('alert').filter({ hasText: "The e-mail address or password isn't right." }).waitFor();
    expect(await page.getByRole('button', { name: /Sign out/ }).count()).toBe(0);
    expect((await api.POST('/users/login', { body: { email, password: PASSWORD } })).response.status).toBe(401);
    await context.close();
  }, 60_000);
});
