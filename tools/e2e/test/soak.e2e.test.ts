import { report, runSoak } from '@shop/soak';
import { describe, expect, it } from 'vitest';
import { cloud } from '../src/cloud';

/**
 * A small soak (tools/soak): 40 checkouts of every kind — approved, declined, failing then
 * approved, never answered, confirmed after they expired, cancelled before and while paying, racing
 * a cancel, a refund that fails once — with staff adjusting stock in between, while every kind of
 * fault fires (functions that throw, time out or die mid-invocation, queue sends that fail or hang,
 * a provider that errs, answers late, sends webhooks twice, late and out of order, DynamoDB Local
 * paused). Then, once the shop is quiet, no money and no stock may be lost. `npm run soak` runs the
 * same with 200 checkouts and prints the same table.
 */
describe('the soak', () => {
  it('loses no money and no stock through 40 checkouts while faults fire', async () => {
    const result = await runSoak(
      {
        apiUrl: cloud.apiUrl,
        stage: cloud.stage,
        dynamodbEndpoint: cloud.dynamodbEndpoint,
        sqsEndpoint: cloud.sqsEndpoint,
        stepFunctionsEndpoint: cloud.stepFunctionsEndpoint,
        checkoutStateMachineArn: cloud.checkoutStateMachineArn,
        admin: cloud.admin,
        paymentWindowSeconds: cloud.paymentWindowSeconds,
      },
      { orders: 40, faults: true, seed: 40, httpConcurrency: 10, log: (line) => console.log(`[soak] ${line}`) },
    );
    console.log(report(result));
    expect(Object.keys(result.observation.faultsFired).length).toBeGreaterThanOrEqual(8);
    expect(result.drive.orders.length).toBeGreaterThanOrEqual(35);
    expect(result.judgement.invariants.flatMap((i) => i.violations)).toEqual([]);
  }, 420_000);
});
