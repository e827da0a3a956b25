import { isDeadLetterQueue, type Observation, ORDER_INCIDENT_EVENTS, type ObservedCharge, type ObservedOrder } from './observe';
import { type CheckoutKind, type Outcome, OUTCOMES_OF } from './scenario';
import type { StockLedgerReport } from './stock-ledger';

/**
 * The shop's invariants after a soak, checked on what was observed (pure: the same observation is
 * always judged the same). Each check counts how many things it looked at, and names every one that
 * broke it.
 */

/** The states an order may be left in for a person, when its checkout failed and raised an incident (alarmed in infra). */
export const OPERATOR_STATES = ['PaidButNotCompleted', 'StockNotReleased', 'OrderNotFinalized'] as const;
const FINAL = new Set(['PAID', 'CANCELLED', 'PAYMENT_FAILED']);

/**
 * At most this share of the checkouts may get no order (the cart or POST /orders kept failing
 * after the client's retries): beyond it, the soak has judged too few orders to mean anything.
 */
export const MAX_UNPLACED_SHARE = 0.05;

export interface InvariantResult {
  name: string;
  /** What it looked at: orders, products, queues. */
  checked: number;
  violations: string[];
}

export interface Judgement {
  invariants: InvariantResult[];
  /** Orders left for a person, by the incident that says so. */
  incidents: Map<string, string[]>;
}

/** What the drive made: the orders placed, with the kind of checkout each was, and the checkouts that got none. */
export interface Driven {
  orders: readonly { orderId: string; kind: CheckoutKind }[];
  unplaced: readonly { index: number; why: string }[];
}

export function judge(observation: Observation, stock: StockLedgerReport, deadLetterQueues: ReadonlySet<string>, driven: Driven): Judgement {
  const orderIds = driven.orders.map((o) => o.orderId);

  const finality: InvariantResult = { name: 'every order final', checked: 0, violations: [] };
  for (const orderId of orderIds) {
    finality.checked += 1;
    const order = observation.orders.get(orderId);
    if (!order) finality.violations.push(`${orderId}: not found`);
    else if (!FINAL.has(order.status)) {
      finality.violations.push(`${orderId}: still ${order.status} (execution ${observation.executions.get(orderId)?.status ?? 'none'})`);
    }
  }

  // No fault the soak arms is meant to need a person (fault-plan.ts), nor any checkout it drives: an
  // order handed to one is a failure to survive what the design was built for, whatever the money
  // and the stock say.
  const incidents = new Map<string, string[]>();
  const handedOver: InvariantResult = { name: 'no order handed to a person (no incident, no operator state)', checked: 0, violations: [] };
  for (const orderId of orderIds) {
    handedOver.checked += 1;
    const execution = observation.executions.get(orderId);
    const raised = [
      ...(execution?.status === 'FAILED' && (OPERATOR_STATES as readonly string[]).includes(execution.error ?? '') ? [execution.error as string] : []),
      ...ORDER_INCIDENT_EVENTS.filter((type) => observation.events.get(type)?.get(orderId)),
    ];
    for (const incident of raised) incidents.set(incident, [...(incidents.get(incident) ?? []), orderId]);
    if (raised.length) handedOver.violations.push(`${orderId}: ${raised.join(', ')} (order ${observation.orders.get(orderId)?.status ?? 'not found'})`);
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
    if (held !== owed) {
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
  if (heldByProvider !== paidTotals && money.violations.length === 0) {
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

  return { invariants: [finality, handedOver, stockResult, money, paidOnce, queues, placed(driven), outcomes(observation, driven)], incidents };
}

/** Nearly every checkout got its order: checks that look at no orders find nothing wrong. */
function placed(driven: Driven): InvariantResult {
  const checkouts = driven.orders.length + driven.unplaced.length;
  const allowed = Math.floor(checkouts * MAX_UNPLACED_SHARE);
  const result: InvariantResult = { name: `at most ${MAX_UNPLACED_SHARE * 100} % of the checkouts got no order`, checked: checkouts, violations: [] };
  if (driven.unplaced.length > allowed) {
    const whys = driven.unplaced.slice(0, 5).map((u) => `#${u.index} ${u.why}`);
    result.violations.push(`${driven.unplaced.length} of ${checkouts} got no order (at most ${allowed}): ${whys.join('; ')}${driven.unplaced.length > 5 ? '; …' : ''}`);
  }
  return result;
}

/** Whether an order shows an outcome, from the order and the provider's charges for it. */
const SHOWS: Readonly<Record<Outcome, (order: ObservedOrder, charges: readonly ObservedCharge[]) => boolean>> = {
  paid: (order) => order.status === 'PAID',
  declined: (order, charges) => order.status === 'PAYMENT_FAILED' && charges.some((c) => c.status === 'declined'),
  refunded: (order, charges) => order.status !== 'PAID' && charges.some((c) => c.refunds.some((r) => r.status === 'succeeded')),
  cancelled: (order) => order.status === 'CANCELLED' && order.reason === 'cancelled by customer',
};

/** Every outcome the placed orders' kinds plan (scenario.ts, OUTCOMES_OF) happened to at least one order. */
function outcomes(observation: Observation, driven: Driven): InvariantResult {
  const planned = new Map<Outcome, number>();
  for (const { kind } of driven.orders) for (const outcome of OUTCOMES_OF[kind]) planned.set(outcome, (planned.get(outcome) ?? 0) + 1);
  const chargesOf = new Map<string, ObservedCharge[]>();
  for (const charge of observation.charges) chargesOf.set(charge.orderId, [...(chargesOf.get(charge.orderId) ?? []), charge]);
  const result: InvariantResult = { name: 'every outcome the orders plan (paid, declined, refunded, cancelled) happened', checked: planned.size, violations: [] };
  for (const [outcome, count] of planned) {
    const seen = [...observation.orders.values()].some((order) => SHOWS[outcome](order, chargesOf.get(order.orderId) ?? []));
    if (!seen) result.violations.push(`${outcome}: planned by ${count} order(s), shown by none`);
  }
  return result;
}
