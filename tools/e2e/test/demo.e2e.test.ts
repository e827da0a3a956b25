import { runWalkthrough } from '@shop/demo';
import { describe, expect, it } from 'vitest';
import { cloud } from '../src/cloud';

describe('npm run demo', () => {
  it('walks a newcomer through checkout, a declined card and the report, showing all seven patterns under one correlation id', { timeout: 120_000 }, async () => {
    const lines: string[] = [];
    const result = await runWalkthrough({ apiUrl: cloud.apiUrl, staff: cloud.admin, print: (line) => lines.push(line) });
    const text = lines.join('\n');

    expect(result.patterns.filter((p) => !p.seen)).toEqual([]);
    expect(result.patterns).toHaveLength(7);
    for (const carrier of ['API Gateway proxy', 'sync invoke', 'async invoke', 'EventBridge rule', 'SNS topic', 'SQS queue', 'Step Functions task', 'DynamoDB stream']) {
      expect(text, carrier).toContain(carrier);
    }
    expect(text).toContain('she typed in the codes the shop sent to her e-mail and phone: both verified');
    expect(text).toMatch(/the order is PAID/);
    expect(text).toMatch(/ended PAYMENT_FAILED \(card_declined\); the compensation released its stock/);
    expect(text).toMatch(/Step Functions task ReleaseStock\s+→ inventory-service\/release-stock/);
    expect(text).toMatch(/e-mail "Order [0-9A-F]{8} is paid"/);
    expect(text).toMatch(/SMS "Shop: order [0-9A-F]{8} is paid/);
    expect(text).toMatch(/layer common-utils: loaded by \d+ of the functions above/);
    expect(text).toContain(`_local/trace?correlationId=${result.correlationIds.paid}`);
  });
});
