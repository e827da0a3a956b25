import { isDeadLetterQueue, type Observation } from './observe';
import type { StockLedgerReport } from './stock-ledger';

/**
 * The shop's invariants after a soak, checked on what was observed (pure: the same observation is
 * always judged the same). Each check counts how many things it looked at, and names every one that
 * broke it.
 */

/** The states an order may be left in for a person, when its checkout failed and raised an incident (alarmed in infra). */
export const OPERATOR_STATES = ['PaidButNotCompleted', 'StockNotReleased', 'OrderNotFinalized'] as const;
const FINAL = new Set(['PAID', 'CANCELLED', 'PAYMENT_FAILED']);

export interface InvariantResult {
  name: string;
  /** What it looked at: orders, products, queues. */
  checked: number;
  violations: string[];
}

export interface Judgement {
  invariants: InvariantResult[];
  /** Orders left for a person, by the incident that says so. */
  operatorStates: Map<string, string[]>;
}

export function judge(observation: Observation, stock: StockLedgerReport, deadLetterQueues: ReadonlySet<string>, orderIds: readonly string[]): Judgement {
  const operatorStates = new Map<string, string[]>();
  const incidentOf = (orderId: string): string | undefined => {
    const execution = observation.executions.get(orderId);
    if (execution?.status === 'FAILED' && (OPERATOR_STATES as readonly string[]).includes(execution.error ?? '')) return execution.error;
    if (observation.events.get('RefundFailed')?.get(orderId)) return 'RefundFailed';
    return undefined;
  };
  for (const orderId of orderIds) {
    const incident = incidentOf(orderId);
    if (incident) operatorStates.set(incident, [...(operatorStates.get(incident) ?? []), orderId]);
  }

  const finality: InvariantResult = { name: 'every order final, or left to a person with an incident', checked: 0, violations: [] };
  for (const orderId of orderIds) {
    finality.checked += 1;
    const order = observation.orders.get(orderId);
    if (!order) finality.violations.push(`${orderId}: not found`);
    else if (!FINAL.has(order.status) && !incidentOf(orderId)) {
      finality.violations.push(`${orderId}: still ${order.status} (execution ${observation.executions.get(orderId)?.status ?? 'none'})`);
    }
  }

  const stockResult: InvariantResult = {
    name: 'stock: initial + adjustments = available + reserved + sold, per product',
    checked: stock.products.length,
    violations: stock.violations.map((v) => `${v.productId}: ${v.problem}`),
  };

  // What the provider holds for each order: succeeded charges less succeeded refunds.
  const money: InvariantResult = { name: "money: the provider's charges − refunds = the totals of PAID orders", checked: 0, violations: [] };
  const net = new Map<string, number>();
  const charged = new Map<string, number>();
  const refunded = new Map<string, number>();
  for (const charge of observation.charges) {
    if (charge.status !== 'succeeded') continue;
    const back = charge.refunds.filter((r) => r.status === 'succeeded').reduce((sum, r) => sum + r.amount, 0);
    net.set(charge.orderId, (net.get(charge.orderId) ?? 0) + charge.amount - back);
    charged.set(charge.orderId, (charged.get(charge.orderId) ?? 0) + charge.amount);
    refunded.set(charge.orderId, (refunded.get(charge.orderId) ?? 0) + back);
  }
  let heldByProvider = 0;
  let paidTotals = 0;
  for (const orderId of orderIds) {
    money.checked += 1;
    const order = observation.orders.get(orderId);
    const held = net.get(orderId) ?? 0;
    heldByProvider += held;
    if (!order) continue;
    const owed = order.status === 'PAID' ? order.total.amount : 0;
    paidTotals += owed;
    if (held !== owed && !incidentOf(orderId)) {
      money.violations.push(`${orderId}: ${order.status}, total ${order.total.amount}, but the provider holds ${held} for it (charged ${charged.get(orderId) ?? 0}, refunded ${refunded.get(orderId) ?? 0})`);
    }
    // The order tells its owner what the provider did with their money.
    const told = order.payment;
    if ((charged.get(orderId) ?? 0) > 0 || told) {
      if ((told?.charged.amount ?? 0) !== (charged.get(orderId) ?? 0) || (told?.refunded.amount ?? 0) !== (refunded.get(orderId) ?? 0)) {
        money.violations.push(
          `${orderId}: the order says charged ${told?.charged.amount ?? 0} and refunded ${told?.refunded.amount ?? 0}, the provider ${charged.get(orderId) ?? 0} and ${refunded.get(orderId) ?? 0}`,
        );
      }
    }
  }
  if (heldByProvider !== paidTotals && money.violations.length === 0 && operatorStates.size === 0) {
    money.violations.push(`in all: the provider holds ${heldByProvider}, PAID orders total ${paidTotals}`);
  }

  const paidOnce: InvariantResult = { name: 'exactly one OrderPaid event and one "paid" e-mail per paid order, none for the others', checked: 0, violations: [] };
  for (const orderId of orderIds) {
    paidOnce.checked += 1;
    const paid = observation.orders.get(orderId)?.status === 'PAID' ? 1 : 0;
    const events = observation.events.get('OrderPaid')?.get(orderId) ?? 0;
    const messages = observation.paidMessages.get(orderId) ?? 0;
    if (events !== paid) paidOnce.violations.push(`${orderId}: ${paid ? 'PAID' : 'not PAID'}, ${events} OrderPaid event(s)`);
    if (messages !== paid) paidOnce.violations.push(`${orderId}: ${paid ? 'PAID' : 'not PAID'}, ${messages} "paid" e-mail(s)`);
  }

  const queues: InvariantResult = { name: 'nothing left in a queue, nothing new in a dead-letter queue', checked: observation.queues.size, violations: [] };
  for (const [name, count] of observation.queues) {
    if (count === 0) continue;
    queues.violations.push(`${name}: ${count} message(s)${isDeadLetterQueue(name, deadLetterQueues) ? ' in a dead-letter queue' : ' still queued'}`);
  }

  return { invariants: [finality, stockResult, money, paidOnce, queues], operatorStates };
}
