import { createShopClient } from '@shop/api-client';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addToCartInBrowser,
  checkOutInBrowser,
  type HeadlessBrowser,
  launchBrowser,
  newPage,
  seriousAccessibilityViolations,
  signUpInBrowser,
} from '../src/browser';
import { readVerificationCode } from '@shop/testing';
import { cloud, api as testApi } from '../src/cloud';

const web = cloud.webUrl;
// The typed client generated from docs/openapi.json, as an API consumer would use it.
const api = createShopClient({ baseUrl: cloud.apiUrl });

let chromium: HeadlessBrowser;
let shopper: { context: BrowserContext; page: Page; email?: string; orderId?: string };
let firstProductId: string;

/**
 * Cold starts of the first calls (a few seconds each on two busy cores) are not the storefront's
 * to test: call each route the pages use once, through the typed client, before the browser does.
 */
async function warmUp(): Promise<void> {
  const email = `warm-${Date.now()}@example.com`;
  await api.POST('/users/register', { body: { email, password: 'Sturdy-Passw0rd', name: 'Warm Up' } });
  const { data: session } = await api.POST('/users/login', { body: { email, password: 'Sturdy-Passw0rd' } });
  const signed = createShopClient({ baseUrl: cloud.apiUrl, accessToken: () => session?.token });
  const { data: staff } = await api.POST('/users/login', { body: { email: cloud.manager.email, password: cloud.manager.password } });
  const manager = createShopClient({ baseUrl: cloud.apiUrl, accessToken: () => staff?.token });
  await Promise.all([
    manager.GET('/reports', { params: { query: { period: 'daily' } } }),
    signed.GET('/users/me'),
    signed.GET('/cart'),
    signed.GET('/orders'),
    api.GET('/products/{id}', { params: { path: { id: firstProductId } } }),
  ]);
}

describe.skipIf(!web)('the storefront in a real browser', () => {
  beforeAll(async () => {
    chromium = await launchBrowser();
    shopper = await newPage(chromium.browser);
    const { data } = await api.GET('/products', { params: { query: { limit: 50 } } });
    const inStock = data?.items.find((p) => p.stock > 20);
    if (!inStock) throw new Error('no product with stock to buy');
    firstProductId = inStock.productId;
    await warmUp();
  });

  afterAll(async () => {
    await chromium?.close();
  });

  it('signs a shopper up, takes her cart to a paid order, and lists it in her orders', async () => {
    const { page } = shopper;
    shopper.email = await signUpInBrowser(page, web);
    await addToCartInBrowser(page, web, firstProductId, 2);

    await page.goto(`${web}/cart`);
    await expect.poll(() => page.getByRole('spinbutton', { name: /Quantity of/ }).inputValue()).toBe('2');

    shopper.orderId = await checkOutInBrowser(page, web, 'Test card: approved');
    await page.locator('.status-title', { hasText: 'Paid' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.locator('.payment').textContent()).toMatch(/Charged \$/);

    await page.goto(`${web}/orders`);
    await expect.poll(() => page.getByRole('link', { name: shopper.orderId!.slice(0, 8).toUpperCase() }).count()).toBe(1);

    // Back at checkout, with the cart the order emptied: the page points to the order it placed, once.
    await page.goto(`${web}/checkout`);
    await page.getByText('Your cart is empty').waitFor();
    await expect.poll(() => page.getByRole('link', { name: shopper.orderId!.slice(0, 8).toUpperCase() }).getAttribute('href')).toBe(`/orders/${shopper.orderId}`);
    await page.reload();
    await page.getByText('Your cart is empty').waitFor();
    expect(await page.getByRole('link', { name: shopper.orderId!.slice(0, 8).toUpperCase() }).count()).toBe(0);
  }, 60_000);

  it('changes a quantity and removes a line in the cart', async () => {
    const { page } = shopper;
    await addToCartInBrowser(page, web, firstProductId, 3);
    await page.goto(`${web}/cart`);
    const quantity = page.getByRole('spinbutton', { name: /Quantity of/ });
    await quantity.fill('1');
    await page.getByRole('button', { name: /^Update/ }).click();
    await page.getByRole('status').filter({ hasText: 'quantity 1' }).waitFor();
    // The Update button is disabled now: the focus goes to what the change did, not to the top of the page.
    const focused = async () => ((await page.locator(':focus').count()) === 1 ? ((await page.locator(':focus').textContent()) ?? '') : '');
    await expect.poll(focused).toContain('quantity 1');
    await page.getByRole('button', { name: /^Remove/ }).click();
    await page.getByText('Your cart is empty').waitFor();
    await expect.poll(focused).toContain('removed from your cart');
  }, 30_000);

  it('says a declined card in words a shopper understands, and the order ends PAYMENT_FAILED', async () => {
    const { page } = shopper;
    await addToCartInBrowser(page, web, firstProductId, 1);
    await checkOutInBrowser(page, web, 'Test card: declined');
    await page.locator('.status-title', { hasText: 'Payment failed' }).waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByRole('status').first().textContent()).toMatch(/payment did not go through/i);
  }, 60_000);

  it('shows a field error next to the field the API names', async () => {
    const { context } = await newPage(chromium.browser);
    const page = await context.newPage();
    await page.goto(`${web}/sign-up`);
    await page.getByLabel('Name', { exact: true }).fill('Bob');
    await page.getByLabel('E-mail address').fill('bob@example.com');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('#field-password-error').waitFor();
    expect(await page.locator('#field-password-error').textContent()).toMatch(/Password must be at least 8 characters long/);
    expect(await page.getByLabel('Password', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    await context.close();
  }, 30_000);

  it('lights all seven patterns on the live view for the paid order, with its state machine path and e-mails', async () => {
    const { page } = shopper;
    await page.goto(`${web}/orders/${shopper.orderId}/live`);
    const patterns = page.getByRole('list', { name: 'The seven patterns' });
    await expect.poll(() => patterns.locator('li.seen').count(), { timeout: 20_000 }).toBe(7);
    await expect.poll(() => page.locator('.state-path li').allTextContents()).toEqual(
      expect.arrayContaining(['ValidateOrder', 'ReserveStock', 'WaitForPayment', 'CommitStock', 'MarkPaid']),
    );
    await expect.poll(() => page.getByRole('region', { name: /services and how they talk/ }).locator('path.edge.lit').count()).toBeGreaterThan(10);
    // What the customer was sent, as the local outbox has it (only verified addresses get mail).
    const short = shopper.orderId!.slice(0, 8).toUpperCase();
    const outbox = (await (await fetch(`${cloud.apiUrl}/_local/outbox?to=${encodeURIComponent(shopper.email!)}`)).json()) as {
      messages: { subject?: string; text: string }[];
    };
    const sent = outbox.messages.filter((m) => `${m.subject ?? ''} ${m.text}`.toUpperCase().includes(short));
    const list = page.getByRole('region', { name: 'What the customer was sent' }).getByRole('listitem');
    await expect.poll(() => list.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(sent.length);
  }, 45_000);

  it('lets an admin create a product and adjust its stock, and a shopper then finds it in the catalogue', async () => {
    const { context, page } = await newPage(chromium.browser);
    const name = `Stoneware Bowl ${Date.now()}`;
    await page.goto(`${web}/sign-in`);
    await page.getByLabel('E-mail address').fill(cloud.admin.email);
    await page.getByLabel('Password').fill(cloud.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: 'New product' }).click();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Description').fill('Hand-thrown, 600 ml.');
    await page.getByLabel('Price').fill('18.50');
    await page.getByLabel('Stock').fill('12');
    await page.getByRole('button', { name: 'Create product' }).click();
    await page.getByRole('status').filter({ hasText: `${name} is in the catalogue` }).waitFor();

    // Stock moves by adjustments, with a reason.
    await page.getByRole('button', { name: `Edit ${name}` }).click();
    await page.getByLabel('Change').fill('5');
    await page.getByLabel('Reason').fill('delivery 4711');
    await page.getByRole('button', { name: 'Adjust stock' }).click();
    await page.getByRole('status').filter({ hasText: 'Stock is now 17' }).waitFor();
    await context.close();

    const { data } = await api.GET('/products', { params: { query: { limit: 5 } } });
    const created = data?.items.find((p) => p.name === name);
    expect(created?.price).toEqual({ amount: 1850, currency: 'USD' });

    await shopper.page.goto(web);
    await shopper.page.getByRole('link', { name }).click();
    await shopper.page.getByRole('heading', { level: 1, name }).waitFor();
    expect(await shopper.page.getByText('$18.50').count()).toBeGreaterThan(0);
  }, 45_000);

  it('shows an admin the product as someone else changed it when their save is refused (412), and saves their change on it then', async () => {
    const staff = createShopClient({ baseUrl: cloud.apiUrl });
    const { data: session } = await staff.POST('/users/login', { body: { email: cloud.manager.email, password: cloud.manager.password } });
    const manager = createShopClient({ baseUrl: cloud.apiUrl, accessToken: () => session?.token });
    const name = `Teapot ${Date.now()}`;
    const { data: created } = await manager.POST('/products', { body: { name, description: 'Glazed', price: { amount: 2000, currency: 'USD' }, stock: 3 } });

    const { context, page } = await newPage(chromium.browser);
    await page.goto(`${web}/sign-in`);
    await page.getByLabel('E-mail address').fill(cloud.admin.email);
    await page.getByLabel('Password').fill(cloud.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByRole('button', { name: `Edit ${name}` }).click();
    await page.getByLabel('Price').waitFor();

    // Meanwhile a manager reprices it.
    await manager.PUT('/products/{id}', { params: { path: { id: created!.productId } }, body: { price: { amount: 2500, currency: 'USD' } } });
    await page.getByLabel('Description').fill('Glazed, 1 l');
    await page.getByRole('button', { name: 'Save' }).click();

    await page.getByRole('alert').filter({ hasText: 'Someone changed this' }).waitFor();
    await expect.poll(() => page.getByLabel('Price').inputValue()).toBe('25.00');
    await page.getByLabel('Description').fill('Glazed, 1 l');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: `${name} is saved` }).waitFor();
    await context.close();

    const { data: saved } = await api.GET('/products/{id}', { params: { path: { id: created!.productId } } });
    expect(saved).toMatchObject({ description: 'Glazed, 1 l', price: { amount: 2500, currency: 'USD' } });
  }, 45_000);

  it('orders nothing when the cart changed in another tab since the checkout page showed it: it shows the cart as it is, and orders that', async () => {
    const { context, page } = await newPage(chromium.browser);
    await signUpInBrowser(page, web, 'Tess Twotabs');
    await addToCartInBrowser(page, web, firstProductId, 1);
    await page.goto(`${web}/checkout`);
    await page.getByRole('button', { name: 'Place order and pay' }).waitFor();

    // Another tab of the same shopper sets the quantity to 3 (sessionStorage is per tab: through the API, with her token).
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('shop.session') ?? 'null') as { token: string }).token);
    const me = createShopClient({ baseUrl: cloud.apiUrl, accessToken: () => token });
    expect((await me.PUT('/cart/items/{productId}', { params: { path: { productId: firstProductId } }, body: { quantity: 3 } })).response.status).toBe(200);

    await page.getByLabel('Test card: approved').check();
    await page.getByRole('button', { name: 'Place order and pay' }).click();
    await page.getByRole('alert').filter({ hasText: 'Your cart changed since this page showed it' }).waitFor();
    await page.locator('.summary').filter({ hasText: /^3 × / }).waitFor();
    expect(page.url()).toMatch(/\/checkout$/);

    await page.getByRole('button', { name: 'Place order and pay' }).click();
    await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 40_000 });
    const orderId = page.url().split('/').pop()!;
    const { data: order } = await me.GET('/orders/{orderId}', { params: { path: { orderId } } });
    expect(order?.items.map((i) => i.quantity)).toEqual([3]);
    await context.close();
  }, 60_000);

  it('lets a shopper verify her e-mail address on her account page with the code the shop sent', async () => {
    const { context, page } = await newPage(chromium.browser);
    const email = await signUpInBrowser(page, web, 'Vera Shopper');
    await page.getByRole('link', { name: 'Account' }).click();
    await page.getByRole('heading', { level: 1, name: 'Your account' }).waitFor();
    const emailSection = page.getByRole('region', { name: 'E-mail address' });
    await emailSection.getByText('Not verified').waitFor();

    await emailSection.getByRole('button', { name: /Send me a code/ }).click();
    const codeField = emailSection.getByLabel('Code from the e-mail');
    await codeField.waitFor();
    const code = await readVerificationCode(testApi, email);
    await codeField.fill(code === '000000' ? '111111' : '000000');
    await emailSection.getByRole('button', { name: /^Verify/ }).click();
    await emailSection.locator('.field-error').filter({ hasText: "That code isn't right" }).waitFor();

    await codeField.fill(code);
    await emailSection.getByRole('button', { name: /^Verify/ }).click();
    await emailSection.getByText('Your e-mail address is verified.').waitFor();
    await emailSection.getByText('Verified', { exact: true }).waitFor();
    expect(await emailSection.getByRole('button', { name: /Send me a code/ }).count()).toBe(0);

    // The API agrees, with the token the tab holds.
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('shop.session') ?? 'null') as { token: string }).token);
    const me = createShopClient({ baseUrl: cloud.apiUrl, accessToken: () => token });
    expect((await me.GET('/users/me')).data).toMatchObject({ email, emailVerified: true });
    await context.close();
  }, 45_000);

  it('has no serious or critical accessibility violation on any page', async () => {
    const admin = await newPage(chromium.browser);
    await admin.page.goto(`${web}/sign-in`);
    await admin.page.getByLabel('E-mail address').fill(cloud.manager.email);
    await admin.page.getByLabel('Password').fill(cloud.manager.password);
    await admin.page.getByRole('button', { name: 'Sign in' }).click();
    await admin.page.getByRole('link', { name: 'Admin' }).waitFor();

    const anonymous = await newPage(chromium.browser);
    const pages: [Page, string, string][] = [
      [anonymous.page, '/', 'Products'],
      [anonymous.page, `/products/${firstProductId}`, ''],
      [anonymous.page, '/sign-in', 'Sign in'],
      [anonymous.page, '/sign-up', 'Create an account'],
      [shopper.page, '/cart', 'Your cart'],
      [shopper.page, '/checkout', 'Check out'],
      [shopper.page, '/orders', 'Your orders'],
      [shopper.page, '/account', 'Your account'],
      [shopper.page, `/orders/${shopper.orderId}`, 'Order'],
      [shopper.page, `/orders/${shopper.orderId}/live`, 'Your order, through the services'],
      [admin.page, '/admin', 'Manage products'],
      [admin.page, '/admin/reports', 'Reports'],
    ];
    const found: Record<string, unknown> = {};
    for (const [page, path, heading] of pages) {
      await page.goto(`${web}${path}`);
      await page.getByRole('heading', { level: 1, name: heading ? new RegExp(heading) : undefined }).first().waitFor();
      await expect.poll(() => page.locator('[aria-busy="true"]').count(), { message: `${path} still loading`, timeout: 20_000 }).toBe(0);
      const violations = await seriousAccessibilityViolations(page);
      if (violations.length) found[path] = violations;
    }
    expect(found).toEqual({});
    await admin.context.close();
    await anonymous.context.close();
  }, 90_000);

  it('keeps a shopper signed in past her access token’s expiry by renewing it, and revokes her session when she signs out', async () => {
    const { page } = shopper;
    await page.goto(`${web}/orders`);
    await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();
    // As an hour after signing in: the access token about to lapse.
    const before = await page.evaluate(() => {
      const stored = JSON.parse(sessionStorage.getItem('shop.session') ?? 'null') as { token: string; expiresAt: string; refreshToken?: string };
      sessionStorage.setItem('shop.session', JSON.stringify({ ...stored, expiresAt: new Date(Date.now() + 5_000).toISOString() }));
      return stored;
    });
    expect(before.refreshToken).toEqual(expect.any(String));

    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Your orders' }).waitFor();
    await expect.poll(() => page.locator('[aria-busy="true"]').count(), { timeout: 10_000 }).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    const after = await page.evaluate(() => JSON.parse(sessionStorage.getItem('shop.session') ?? 'null') as { token: string; refreshToken?: string });
    expect(after.token).not.toBe(before.token);
    expect(after.refreshToken).toBe(before.refreshToken);

    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.getByRole('link', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('shop.session'))).toBeNull();
    // A copy of the refresh token taken before the sign-out renews nothing.
    await expect
      .poll(async () => (await api.POST('/users/refresh', { body: { refreshToken: before.refreshToken as string } })).response.status, { timeout: 10_000 })
      .toBe(401);
  }, 45_000);
});
