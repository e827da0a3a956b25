import { launchBrowser, newPage } from './browser';
import { startWebCloud } from './web-cloud';

const RUNS = 5;

/**
 * `npm run web-timing`: how soon the storefront is usable, in Debian's Chromium against the local
 * cloud: from navigation start to the catalogue drawn and clickable (time to interactive, as a
 * shopper sees it), for a first visit (empty cache) and a repeat one. Medians of five runs.
 */
async function main(): Promise<void> {
  const { webUrl, stop } = await startWebCloud();
  const chromium = await launchBrowser();
  try {
    // The API's first calls are cold starts of its functions; the page is what is measured here.
    const warm = await newPage(chromium.browser);
    await warm.page.goto(webUrl);
    await warm.page.locator('.product-grid li a').first().waitFor({ timeout: 60_000 });
    await warm.context.close();

    const first: Timing[] = [];
    const repeat: Timing[] = [];
    for (let i = 0; i < RUNS; i++) {
      const { context, page } = await newPage(chromium.browser);
      for (const into of [first, repeat]) {
        await page.goto(webUrl);
        await page.locator('.product-grid li a').first().waitFor();
        into.push(
          (await page.evaluate(() => {
            const p = globalThis as unknown as { performance: { now(): number; getEntriesByType(t: string): { domContentLoadedEventEnd: number; transferSize?: number }[] } };
            const nav = p.performance.getEntriesByType('navigation')[0];
            const scripts = p.performance.getEntriesByType('resource') as unknown as { name: string; transferSize: number }[];
            return {
              interactive: p.performance.now(),
              domContentLoaded: nav?.domContentLoadedEventEnd ?? 0,
              transferred: scripts.filter((r) => r.name.endsWith('.js')).reduce((sum, r) => sum + r.transferSize, 0),
            };
          })) as Timing,
        );
      }
      await context.close();
    }
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
    for (const [name, runs] of [['first visit', first], ['repeat visit', repeat]] as const) {
      console.log(
        `${name.padEnd(13)} interactive ${median(runs.map((r) => r.interactive)).toFixed(0)} ms, DOMContentLoaded ${median(runs.map((r) => r.domContentLoaded)).toFixed(0)} ms, JavaScript transferred ${(median(runs.map((r) => r.transferred)) / 1000).toFixed(1)} KB (median of ${RUNS})`,
      );
    }
  } finally {
    await chromium.close();
    await stop();
  }
}

interface Timing {
  interactive: number;
  domContentLoaded: number;
  transferred: number;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
