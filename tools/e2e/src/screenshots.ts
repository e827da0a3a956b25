import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { findRepoRoot } from '@shop/platform';
import { addToCartInBrowser, checkOutInBrowser, launchBrowser, newPage, signUpInBrowser } from './browser';
import { startWebCloud } from './web-cloud';

/**
 * `npm run screenshots`: the storefront's main pages as PNGs in docs/screenshots/, taken in
 * Debian's Chromium against a local cloud of its own with the seeded data and one paid order.
 */
async function main(): Promise<void> {
  const out = join(findRepoRoot(), 'docs', 'screenshots');
  mkdirSync(out, { recursive: true });
  const { cloud, webUrl, stop } = await startWebCloud();
  const chromium = await launchBrowser();
  try {
    const { page } = await newPage(chromium.browser);
    const shot = async (name: string, path: string, ready: string) => {
      await page.goto(`${webUrl}${path}`);
      await page.locator(ready).first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: name !== 'live-view' });
      console.log(`wrote docs/screenshots/${name}.png`);
    };
    const product = cloud.seeded!.products[1]!.productId;
    await shot('sign-up', '/sign-up', 'form');
    await signUpInBrowser(page, webUrl, 'Ann Example');
    await shot('catalogue', '/', '.product-grid li');
    await addToCartInBrowser(page, webUrl, product, 2);
    await shot('product', `/products/${product}`, 'form');
    await shot('cart', '/cart', 'table.lines');
    const orderId = await checkOutInBrowser(page, webUrl, 'Test card: approved');
    await page.locator('.status-good').waitFor({ timeout: 30_000 });
    await shot('order-paid', `/orders/${orderId}`, '.status-good');
    await shot('live-view', `/orders/${orderId}/live`, '.patterns li.seen');
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll('.patterns li.seen').length === 7, undefined, { timeout: 30_000 });
    await page.screenshot({ path: join(out, 'live-view.png'), fullPage: true });

    await page.getByRole('button', { name: /Sign out/ }).click();
    await page.goto(`${webUrl}/sign-in`);
    await page.getByLabel('E-mail address').fill(cloud.seeded!.admin.email);
    await page.getByLabel('Password').fill(cloud.seeded!.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: 'Admin' }).waitFor();
    await shot('admin-products', '/admin', 'table.lines');
    await shot('admin-reports', '/admin/reports', 'figure.chart svg');
  } finally {
    await chromium.close();
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
