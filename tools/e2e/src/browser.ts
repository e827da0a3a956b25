import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * Debian's Chromium (`apt-get install chromium`; `.ci/run` installs it), driven headless by
 * playwright-core: Playwright's own browser downloads do not work on these machines.
 */
export const CHROMIUM = process.env['SHOP_CHROMIUM'] ?? '/usr/bin/chromium';

export interface HeadlessBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/** A fresh headless Chromium; Playwright gives it a new, temporary profile (user data dir) of its own. */
export async function launchBrowser(): Promise<HeadlessBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  return { context, page };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is; answers the serious and critical violations. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's Content-Security-Policy rightly forbids inline scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    // Runs in the page: the suite's own types know no DOM.
    const page = globalThis as unknown as { document: unknown; axe: { run(context: unknown, options: object): Promise<{ violations: AxeViolation[] }> } };
    const result = await page.axe.run(page.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Signs a new shopper up through the storefront's form; answers the e-mail address. */
export async function signUpInBrowser(page: Page, webUrl: string, name = 'Ada Shopper'): Promise<string> {
  const email = `web-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
  await page.goto(`${webUrl}/sign-up`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password', { exact: true }).fill('Sturdy-Passw0rd');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('button', { name: /Sign out/ }).waitFor();
  return email;
}

/** Puts one of a product in the cart from its page. */
export async function addToCartInBrowser(page: Page, webUrl: string, productId: string, quantity = 1): Promise<void> {
  await page.goto(`${webUrl}/products/${productId}`);
  await page.getByLabel('Quantity').fill(String(quantity));
  await page.getByRole('button', { name: 'Add to cart' }).click();
  await page.getByRole('status').filter({ hasText: 'Added' }).waitFor();
}

/** Checks out the cart with a test payment method; answers the order id from the order page's address. */
export async function checkOutInBrowser(page: Page, webUrl: string, paymentMethodLabel: string): Promise<string> {
  await page.goto(`${webUrl}/checkout`);
  await page.getByLabel(paymentMethodLabel).check();
  await page.getByRole('button', { name: 'Place order and pay' }).click();
  await page.waitForURL(/\/orders\/[0-9a-f-]{36}$/, { timeout: 40_000 });
  return page.url().split('/').pop() ?? '';
}
