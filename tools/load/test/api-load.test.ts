import { describe, expect, it } from 'vitest';
import { measureLoad, measureLoadCounting } from '../src/api-load';

/** A shop that answers at once and counts what it was sent, as the functions' metrics do. */
function countingShop() {
  const shop = {
    sent: 0,
    request: async () => {
      shop.sent += 1;
      return { status: 200, body: {} };
    },
  };
  return shop;
}

// 200 requests a second: 10 in the 50 ms warm-up, 20 in the 100 ms measured.
const phase = { ratePerSecond: 200, durationMs: 100, warmUpMs: 50 };

describe('measureLoad', () => {
  it('warms up once, then sums up the measured requests alone', async () => {
    const shop = countingShop();
    const figures = await measureLoad(phase, shop.request);
    expect(figures).toMatchObject({ requests: 20, errors: 0, statuses: { 200: 20 } });
    expect(shop.sent).toBe(30);
  });
});

describe('measureLoadCounting', () => {
  it("counts over the measured requests alone, not the warm-up's: a figure per request has the same requests above and below the line", async () => {
    const shop = countingShop();
    const { figures, counted } = await measureLoadCounting(phase, shop.request, async () => ({ sent: shop.sent }));
    expect(figures.requests).toBe(20);
    expect(counted).toEqual({ sent: 20 });
    expect(shop.sent).toBe(30);
  });
});
