import { SmokeFailure, smokeTest } from '@shop/smoke';
import { describe, expect, it } from 'vitest';
import { api, cloud } from '../src/cloud';

describe('npm run smoke, against the local cloud as against a deployed stage', () => {
  it('in full mode, a new customer orders and pays, and the order it names is PAID', { timeout: 60_000 }, async () => {
    const passed = await smokeTest({ apiUrl: cloud.apiUrl, mode: 'full', pollMs: 200, timeoutMs: 30_000 });

    expect(passed).toEqual([
      expect.stringMatching(/^a customer registers and signs in \(success\+smoke-.+@simulator\.amazonses\.com\)$/),
      expect.stringMatching(/^an order is placed \([0-9a-f-]{36}\)$/),
      'the order is paid with the test payment method',
      'GET /products answers the catalogue',
      'an unknown route answers 404 ROUTE_NOT_FOUND',
    ]);
    const orderId = /\(([0-9a-f-]{36})\)/.exec(passed[1]!)![1]!;
    const execution = await api.get(`/_local/executions?orderId=${orderId}`);
    expect(execution.body.execution.status).toBe('SUCCEEDED');
  });

  it('fails naming the call and its answer when the API is not where it was told', async () => {
    const failure = await smokeTest({ apiUrl: `${cloud.apiUrl}/no-such-stage`, mode: 'read-only' }).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(SmokeFailure);
    expect((failure as Error).message).toMatch(/^GET \/products: expected 200, got 404: .*ROUTE_NOT_FOUND/);
  });
});
