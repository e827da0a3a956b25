import type { UsageSnapshot } from '@shop/local-cloud';
import { PRICES, type Prices } from './prices';

/** One billable line: what was used for the orders measured, and what 1,000 orders cost of it. */
export interface CostLine {
  service: string;
  what: string;
  /** Used per order. */
  perOrder: number;
  unit: string;
  /** US dollars for 1,000 orders. */
  usdPerThousandOrders: number;
}

export interface CostReport {
  orders: number;
  lines: CostLine[];
  /** Dollars for 1,000 orders, by AWS service, most expensive first. */
  byService: [string, number][];
  /** Dollars for 1,000 orders, without e-mail and SMS (the budget's figure). */
  totalPerThousandOrders: number;
  /** E-mails sent per order, priced apart (SES). */
  emailsPerOrder: number;
}

/**
 * Prices what `orders` checkouts used (`usage`, the difference of two snapshots of the local cloud's
 * meter), as the cost of 1,000 orders. Pure: the same usage is always priced the same.
 */
export function priceUsage(usage: UsageSnapshot, orders: number, extra: { emails: number }, prices: Prices = PRICES): CostReport {
  if (!Number.isInteger(orders) || orders < 1) throw new RangeError(`orders must be a positive integer, not ${orders}`);
  const lines: CostLine[] = [];
  const add = (service: string, what: string, total: number, unit: string, usdPerUnit: number) => {
    if (total === 0) return;
    lines.push({ service, what, perOrder: total / orders, unit, usdPerThousandOrders: (total / orders) * 1000 * usdPerUnit });
  };

  const functions = Object.values(usage.lambda);
  const invocations = functions.reduce((sum, f) => sum + f.invocations, 0);
  const gbSeconds = functions.reduce((sum, f) => sum + (f.billedMs / 1000) * (f.memoryMb / 1024), 0);
  const logBytes = functions.reduce((sum, f) => sum + f.logBytes + f.invocations * prices.lambda.platformLogBytesPerInvocation, 0);
  add('Lambda', 'requests', invocations, 'requests', prices.lambda.perMillionRequests / 1e6);
  add('Lambda', 'duration', gbSeconds, 'GB-s', prices.lambda.perGbSecond);
  add('CloudWatch Logs', 'ingested', logBytes, 'bytes', prices.cloudWatchLogs.perGbIngested / 1024 ** 3);

  const tables = Object.values(usage.dynamodb);
  add('DynamoDB', 'write request units', tables.reduce((sum, t) => sum + t.writeUnits, 0), 'WRU', prices.dynamodb.perMillionWriteUnits / 1e6);
  add('DynamoDB', 'read request units', tables.reduce((sum, t) => sum + t.readUnits, 0), 'RRU', prices.dynamodb.perMillionReadUnits / 1e6);

  add('Step Functions', 'state transitions', usage.stepFunctions.transitions, 'transitions', prices.stepFunctions.perThousandTransitions / 1000);
  add('API Gateway', 'HTTP API requests', usage.apiRequests, 'requests', prices.apiGateway.perMillionRequests / 1e6);
  // A batch a function is handed costs its ReceiveMessage and its DeleteMessageBatch; the pollers'
  // empty receives are a fixed cost of each queue (about 5 pollers' long polls), not one per order.
  add('SQS', 'sends, receives and deletes', usage.sqs.sendRequests + 2 * usage.sqs.batchesDelivered, 'requests', prices.sqs.perMillionRequests / 1e6);
  add('SNS', 'topic publishes', usage.sns.topicPublishes, 'publishes', prices.sns.perMillionPublishes / 1e6);
  add('EventBridge', 'custom events', usage.eventBridge.events, 'events', prices.eventBridge.perMillionEvents / 1e6);

  const byServiceMap = new Map<string, number>();
  for (const line of lines) byServiceMap.set(line.service, (byServiceMap.get(line.service) ?? 0) + line.usdPerThousandOrders);
  const byService = [...byServiceMap].sort((a, b) => b[1] - a[1]);
  return {
    orders,
    lines,
    byService,
    totalPerThousandOrders: byService.reduce((sum, [, usd]) => sum + usd, 0),
    emailsPerOrder: extra.emails / orders,
  };
}

/** The report as a table, for the terminal and docs/performance.md. */
export function formatCost(report: CostReport, prices: Prices = PRICES): string {
  const usd = (n: number) => `$${n.toFixed(4)}`;
  const rows = report.lines
    .slice()
    .sort((a, b) => b.usdPerThousandOrders - a.usdPerThousandOrders)
    .map((l) => `| ${l.service} | ${l.what} | ${formatQuantity(l.perOrder)} ${l.unit} | ${usd(l.usdPerThousandOrders)} |`);
  const email = report.emailsPerOrder * 1000 * (prices.ses.perThousandEmails / 1000);
  return [
    `Cost of 1,000 orders at ${prices.region} list prices (checked ${prices.checked}), measured over ${report.orders} checkouts:`,
    '',
    '| service | what | per order | 1,000 orders |',
    '| --- | --- | --- | --- |',
    ...rows,
    `| **total** (without e-mail and SMS) | | | **${usd(report.totalPerThousandOrders)}** |`,
    '',
    `By service: ${report.byService.map(([s, n]) => `${s} ${usd(n)} (${Math.round((n / report.totalPerThousandOrders) * 100)}%)`).join(', ')}`,
    `E-mail apart: ${formatQuantity(report.emailsPerOrder)} per order, ${usd(email)} per 1,000 orders (SES).`,
  ].join('\n');
}

function formatQuantity(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(n >= 10 ? 1 : 2);
}
