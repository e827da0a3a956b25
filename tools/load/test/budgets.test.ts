import { describe, expect, it } from 'vitest';
import type { LoadFigures } from '../src/api-load';
import { judge, type LoadReport } from '../src/budgets';
import { summarize } from '../src/stats';

function figures(latencies: number[], errors = 0): LoadFigures {
  return { requests: latencies.length, latency: summarize(latencies), errors, serverErrors: 0, statuses: { 200: latencies.length - errors }, maxStartLagMs: 1 };
}

const healthy: LoadReport = {
  reads: figures(Array.from({ length: 100 }, () => 20)),
  cartWrites: { ...figures(Array.from({ length: 100 }, () => 40)), conflicts: 1, catalogueInvokes: 10 },
};

const ci = (report: LoadReport) => judge(report).filter((b) => b.kind === 'ci');

describe('judge', () => {
  it('holds every CI budget of a healthy run', () => {
    expect(ci(healthy).map((b) => [b.name, b.ok])).toEqual([
      ['reads: errors', true],
      ['cart writes: errors (409 CART_BUSY included)', true],
      ['cart writes: lost races per write', true],
      ['cart writes: catalogue invokes per write', true],
      ['cart writes p99 / reads p99', true],
    ]);
  });

  it('fails a run whose cart writes each call the catalogue again', () => {
    const failed = ci({ ...healthy, cartWrites: { ...healthy.cartWrites!, catalogueInvokes: 100 } }).filter((b) => !b.ok);
    expect(failed.map((b) => [b.name, b.value])).toEqual([['cart writes: catalogue invokes per write', 1]]);
  });

  it('fails on a single error, and on writes that keep losing races', () => {
    const report = { ...healthy, reads: figures([20, 20, 20], 1), cartWrites: { ...healthy.cartWrites!, conflicts: 30 } };
    expect(ci(report).filter((b) => !b.ok).map((b) => b.name)).toEqual(['reads: errors', 'cart writes: lost races per write']);
  });

  it('judges what a run measured only: no figure, no verdict', () => {
    expect(judge({ startUp: { readyMs: 12_000 } })).toEqual([
      { name: 'npm start: ready after the build', kind: 'issue', value: 12_000, limit: 10_000, unit: 'ms', ok: false },
    ]);
  });

  it('judges the shop\'s part of a checkout apart from the provider\'s hold', () => {
    const checkout = {
      toAwaitingPayment: summarize([150, 160, 170]),
      toPaid: summarize([480, 520, 560]),
      providerHold: summarize([300, 301, 302]),
      toPaidShopPart: summarize([180, 219, 258]),
    };
    expect(judge({ checkout }).map((b) => [b.name, b.value, b.ok])).toEqual([
      ['checkout: POST /orders → AWAITING_PAYMENT, median', 160, true],
      ['checkout: POST /payment/process → PAID, median', 520, false],
      ["checkout: → PAID less the provider's webhook hold, median", 219, false],
    ]);
  });
});
