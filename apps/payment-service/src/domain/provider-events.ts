import type { Logger } from '@shop/common';
import { type ChargeEvent, type ForeignProviderEvent, type PaymentResultMessage, type PaymentStatus, type RefundEvent, type RefundRequest, sameMoney } from '@shop/contracts';
import { verifyChargeEvent } from './charge-verification';
import { type PaymentProvider, PaymentProviderRejectedError, refusesCredentials } from './payment-provider';
import { chargeResultMessage, type PaymentRecord, statusOfEvent } from './payment-record';
import { afterFailedRefund, attemptOfRefund, type RefundRecord } from './refund-record';

/** What handling a provider event needs: the shop's records, its queues and its incidents (adapters implement them). */
export interface ProviderEventDeps {
  payments: {
    get(orderId: string): Promise<PaymentRecord | undefined>;
    adoptChargeId(orderId: string, chargeId: string, now: Date): Promise<boolean>;
    recordEvent(event: { orderId: string; status: PaymentStatus; reason?: string; eventId: string; eventCreated: number; now: Date }): Promise<boolean>;
  };
  refunds: {
    get(chargeId: string): Promise<RefundRecord | undefined>;
    decide(chargeId: string, outcome: { refundId: string; attempt: number; status: 'SUCCEEDED' | 'FAILED'; failureReason?: string; now: Date }): Promise<RefundRecord | undefined>;
    /** The provider has given all of the charge back, by whatever refund: SUCCEEDED, unless it is already. */
    settle(chargeId: string, outcome: { refundId: string; now: Date }): Promise<boolean>;
  };
  /** Asked only when a refund cannot be followed by its own id (see `settleFromCharge`). */
  provider: Pick<PaymentProvider, 'chargeRefunds'>;
  /** Epoch ms by which a provider call must be over. */
  deadline: () => number;
  queues: {
    sendResult(message: PaymentResultMessage): Promise<void>;
    requestRefund(request: RefundRequest, delaySeconds?: number): Promise<void>;
  };
  incidents: {
    paymentMismatch(
      detail: { orderId: string; providerEventId: string; chargeId: string; problems: string[]; received: { amount: number; currency: string }; expected?: PaymentRecord['amount'] },
      correlationId: string,
      log: Logger,
    ): Promise<void>;
    refundFailed(
      detail: { orderId: string; chargeId: string; amount: { amount: number; currency: string }; attempts: number; reason: string },
      cause: RefundFailureCause,
      correlationId: string,
      log: Logger,
    ): Promise<void>;
    unknownCharge(detail: { providerEventId: string; chargeId: string; received: { amount: number; currency: string } }, correlationId: string, log: Logger): Promise<void>;
    unknownRefund(
      detail: { orderId: string; providerEventId: string; chargeId: string; refundId: string; refunded: { amount: number; currency: string } },
      correlationId: string,
      log: Logger,
    ): Promise<void>;
  };
  now: () => Date;
  log: Logger;
}

/**
 * What made a charge's refund a RefundFailed incident, which names the incident (its event id):
 * `attempts-spent`: the last attempt failed (its `refund.failed`, its partial refund, or the
 * provider's outright refusal), which happens once to a charge; `reversed`: a refund of the charge
 * that had succeeded failed afterwards, once to each refund; `unverified`: a refund event could not
 * be checked against the provider's account of the charge, once to each provider event.
 */
export type RefundFailureCause = { kind: 'attempts-spent' } | { kind: 'reversed'; refundId: string } | { kind: 'unverified'; providerEventId: string };

/**
 * `queued`: the outcome went on to order-service (or a failed refund was asked again);
 * `mismatch`: the event did not describe the charge the shop made: an incident, and a refund of
 * what it took; `unknown-refund`: a refund of a charge the shop never asked to refund;
 * `partly-refunded`: a refund made outside the shop that left some of the charge with the shop:
 * nothing changes until the rest is back; `refund-reversed`: a refund the shop took as done failed
 * afterwards and the money is with the shop again: an incident; `unknown-order`: the event names no
 * order of the shop; `unverified`: the provider would not give its account of the charge, which
 * the event needed: an incident;
 * `duplicate`: already decided.
 */
export type ProviderEventHandling = 'queued' | 'mismatch' | 'unknown-refund' | 'partly-refunded' | 'refund-reversed' | 'unknown-order' | 'unverified' | 'duplicate';

/**
 * A signed event that names no order of the shop, or an order the shop never began a payment for:
 * its charge was made outside the checkout (a leaked key, or another system on the same provider
 * account, which the provider tells every webhook endpoint about). It pays nothing.
 * A charge that took money is an incident, and is not refunded: it may be another system's money
 * to keep, so a person decides. Anything else about it (its failure, its refunds) is not the
 * shop's business. Acknowledged either way: a provider disables an endpoint that keeps refusing.
 */
export async function handleForeignEvent(deps: Pick<ProviderEventDeps, 'incidents' | 'log'>, event: ForeignProviderEvent, correlationId: string): Promise<ProviderEventHandling> {
  const { chargeId } = event.data;
  if (event.type === 'charge.succeeded') {
    await deps.incidents.unknownCharge({ providerEventId: event.id, chargeId, received: { amount: event.data.amount, currency: event.data.currency } }, correlationId, deps.log);
  } else {
    deps.log.warn({ providerEventId: event.id, type: event.type, chargeId }, 'a provider event that names no order of the shop; nothing to do');
  }
  return 'unknown-order';
}

/**
 * A signed charge event (docs/payments.md): checked against the charge the shop made for its order
 * (amount, currency, charge id). One that matches goes on to order-service as a verified outcome;
 * one that does not pays nothing, is an incident, and if it took money that money is given back
 * (asked for first: the incident failing never keeps the money).
 * Everything is queued before anything is noted, so a failure here loses nothing: the provider's
 * retry comes through again.
 */
export async function handleChargeEvent(deps: ProviderEventDeps, event: ChargeEvent, correlationId: string): Promise<ProviderEventHandling> {
  const { orderId, chargeId } = event.data;
  const now = deps.now();
  const record = await deps.payments.get(orderId);
  // No payment was begun for that order id: the shop never asked for this charge (its record is
  // written before the provider is asked). Another system on the provider account (another stage of
  // the shop, even), which the provider tells every endpoint about: not the shop's money to give back.
  if (!record) return handleForeignEvent(deps, event, correlationId);
  const verification = verifyChargeEvent(record, event);
  const adopted = verification.ok && (!verification.adoptChargeId || (await deps.payments.adoptChargeId(orderId, chargeId, now)));
  if (!verification.ok || !adopted) {
    const problems = verification.ok ? [`charge ${chargeId} is not the charge the shop recorded for order ${orderId}`] : verification.problems;
    const received = { amount: event.data.amount, currency: event.data.currency };
    // The money first: the refund is asked for before the incident is raised, so that a bus that
    // refuses the incident (or an incident that cannot be told) never keeps the money. Either failing
    // answers 500, and the provider's retry asks again: a refund is made once per charge.
    let refundNotAsked: unknown;
    if (event.type === 'charge.succeeded') {
      await deps.queues
        .requestRefund({ orderId, chargeId, amount: received, reason: 'the charge did not match the order', attempt: 1, correlationId })
        .catch((error: unknown) => {
          refundNotAsked = error;
        });
    }
    await deps.incidents.paymentMismatch(
      { orderId, providerEventId: event.id, chargeId, problems, received, ...(record && { expected: record.amount }) },
      correlationId,
      deps.log,
    );
    if (refundNotAsked !== undefined) throw refundNotAsked;
    return 'mismatch';
  }

  await deps.queues.sendResult(chargeResultMessage(event, verification.amount, correlationId));
  // Bookkeeping only: the order itself changes through the queue.
  await deps.payments
    .recordEvent({
      orderId,
      status: statusOfEvent(event),
      ...(event.data.failureReason ? { reason: event.data.failureReason } : {}),
      eventId: event.id,
      eventCreated: event.created,
      now,
    })
    .catch((error: unknown) => deps.log.warn({ err: error }, 'could not update the payments record'));
  return 'queued';
}

/**
 * A signed refund event, for a charge the shop asked to refund. The attempt under way is decided by
 * its own event, once: a success goes on to order-service; a failure is asked again later with the
 * next attempt, until the attempts are spent: then it is an incident, and order-service records the
 * refund as FAILED. A success the shop cannot count as its attempt's (an operator's refund in the
 * dashboard after the attempts were spent, or a refund for less than the charge) is taken on the
 * provider's own account of the charge: the refund is done when all of the charge is back.
 * As with charges, what must go on is sent before the refund's record changes.
 */
export async function handleRefundEvent(deps: ProviderEventDeps, event: RefundEvent, correlationId: string): Promise<ProviderEventHandling> {
  const { chargeId, refundId } = event.data;
  const record = await deps.refunds.get(chargeId);
  if (!record) {
    // Of the charge that paid one of the shop's orders: the customer has the money back, the order may still ship.
    const payment = event.type === 'refund.succeeded' ? await deps.payments.get(event.data.orderId) : undefined;
    if (payment?.chargeId === chargeId) {
      const refunded = { amount: event.data.amount, currency: event.data.currency };
      await deps.incidents.unknownRefund({ orderId: event.data.orderId, providerEventId: event.id, chargeId, refundId, refunded }, correlationId, deps.log);
    } else {
      deps.log.warn({ chargeId, refundId, type: event.type }, 'the provider reports a refund of a charge the shop does not know; nothing to do');
    }
    return 'unknown-refund';
  }
  if (record.status === 'SUCCEEDED') {
    if (event.type === 'refund.failed') return reversedRefund(deps, record, event, correlationId);
    deps.log.info({ chargeId, refundId, status: record.status }, 'refund already decided; duplicate dropped');
    return 'duplicate';
  }
  // The webhook may overtake refund-payment's note of the refund id: then the attempt the refund's
  // metadata names tells it is this attempt's, and not an earlier attempt's failure delivered again
  // late, nor an operator's refund (which names none).
  const attemptUnderWay =
    record.status !== 'FAILED' &&
    (record.refundId === refundId || (record.status === 'REQUESTED' && record.refundId === undefined && attemptOfRefund(event.data.metadata) === record.attempt));
  if (event.type === 'refund.failed') {
    if (!attemptUnderWay) {
      deps.log.info({ chargeId, refundId, status: record.status }, 'a refund that is not the attempt under way failed; nothing changes');
      return 'duplicate';
    }
    await settleFailedAttempt(deps, record, { refundId, why: event.data.failureReason ?? 'refund failed', providerEventId: event.id }, correlationId);
    await deps.refunds.decide(chargeId, { refundId, attempt: record.attempt, status: 'FAILED', ...(event.data.failureReason ? { failureReason: event.data.failureReason } : {}), now: deps.now() });
    return 'queued';
  }

  const given = { amount: event.data.amount, currency: event.data.currency.toUpperCase() };
  if (attemptUnderWay && sameMoney(given, record.amount)) {
    await deps.queues.sendResult(refundResult(record, { refundId, providerEventId: event.id, amount: given, correlationId }));
    await deps.refunds.decide(chargeId, { refundId, attempt: record.attempt, status: 'SUCCEEDED', now: deps.now() });
    return 'queued';
  }
  const settled = await settleFromCharge(deps, record, { refundId, providerEventId: event.id }, correlationId).catch((error: unknown) =>
    unreadableCharge(deps, record, event, error, correlationId),
  );
  if (settled === 'unverified') return settled;
  if (settled.kind === 'settled') return 'queued';
  const short = `${settled.refunded.amount} of ${settled.charged.amount} ${settled.charged.currency} given back`;
  if (attemptUnderWay) {
    // The shop's attempt gave back less than the charge (a part was refunded by hand before it
    // began, and that refund then failed): the attempt failed to finish the job; the next one asks
    // for what is left.
    await settleFailedAttempt(deps, record, { refundId, why: `partial refund: ${short}`, providerEventId: event.id }, correlationId);
    await deps.refunds.decide(chargeId, { refundId, attempt: record.attempt, status: 'FAILED', failureReason: `partial refund: ${short}`, now: deps.now() });
    return 'queued';
  }
  deps.log.warn({ chargeId, refundId, status: record.status, refunded: settled.refunded, charged: settled.charged }, `a refund made outside the shop left part of the charge: ${short}`);
  return 'partly-refunded';
}

/**
 * A refund failed after the shop took the charge's refund as done (a provider moves a refund from
 * succeeded to failed when the card's account turns out closed): the order says REFUNDED and the
 * customer was told so, but the money may be with the shop again. The provider's own account of
 * the charge decides: while all of it is still given back (the failed refund was not the one that
 * counted), nothing changes; otherwise a person must return what is held, the RefundFailed incident.
 */
async function reversedRefund(deps: ProviderEventDeps, record: RefundRecord, event: RefundEvent, correlationId: string): Promise<ProviderEventHandling> {
  const { chargeId, refundId } = event.data;
  const charge = await deps.provider
    .chargeRefunds(chargeId, { deadline: deps.deadline(), log: deps.log })
    .catch((error: unknown) => unreadableCharge(deps, record, event, error, correlationId));
  if (charge === 'unverified') return charge;
  if (charge.refunded.amount >= charge.amount.amount) {
    deps.log.info({ chargeId, refundId }, 'a refund failed, but all of the charge is still given back; nothing changes');
    return 'duplicate';
  }
  const held = { amount: charge.amount.amount - charge.refunded.amount, currency: charge.amount.currency };
  const why = `refund ${refundId} failed after it had succeeded (${event.data.failureReason ?? 'no reason given'}): ${charge.refunded.amount} of ${charge.amount.amount} ${charge.amount.currency} given back`;
  await deps.incidents.refundFailed(refundFailedDetail(record, why, held), { kind: 'reversed', refundId }, correlationId, deps.log);
  return 'refund-reversed';
}

/**
 * The provider refused, for good, to give its account of a charge a refund event needs (a 4xx but
 * a refusal of the shop's key: the charge unknown to the account the key opens, say). Answering 500
 * would have the provider deliver the event again for days, then disable the endpoint, and every
 * later event with it. So whether the charge is given back is for a person to see in the
 * provider's dashboard: the RefundFailed incident, for the refund the shop meant, and the event is
 * acknowledged. Anything else (the provider not answering, the key refused) is thrown: the
 * provider's retry asks again.
 */
async function unreadableCharge(deps: ProviderEventDeps, record: RefundRecord, event: RefundEvent, error: unknown, correlationId: string): Promise<'unverified'> {
  if (!(error instanceof PaymentProviderRejectedError) || refusesCredentials(error)) throw error;
  const answer = [error.providerStatus, error.providerCode].filter(Boolean).join(' ');
  const why = `${event.type} of refund ${event.data.refundId}, but the provider would not tell what the charge has given back (${answer}: ${error.providerMessage}); see the charge in its dashboard`;
  await deps.incidents.refundFailed(refundFailedDetail(record, why), { kind: 'unverified', providerEventId: event.id }, correlationId, deps.log);
  return 'unverified';
}

/**
 * Settles a charge's refund on the provider's own account of the charge: when its succeeded
 * refunds, whoever made them, add up to all it took, order-service hears that the refund
 * SUCCEEDED (for what came back) and the record says so. For the refunds the shop cannot follow
 * by its attempt's id: an operator's refund in the dashboard, or the provider answering that the
 * charge has been refunded already. `short` changes nothing: some of the money is still with the
 * shop, or on its way back.
 */
export async function settleFromCharge(
  deps: Pick<ProviderEventDeps, 'provider' | 'queues' | 'deadline' | 'now' | 'log'> & { refunds: Pick<ProviderEventDeps['refunds'], 'settle'> },
  record: RefundRecord,
  found: { refundId: string; providerEventId: string },
  correlationId: string,
): Promise<{ kind: 'settled' } | { kind: 'short'; charged: { amount: number; currency: string }; refunded: { amount: number; currency: string } }> {
  const charge = await deps.provider.chargeRefunds(record.chargeId, { deadline: deps.deadline(), log: deps.log });
  if (charge.refunded.amount < charge.amount.amount) return { kind: 'short', charged: charge.amount, refunded: charge.refunded };
  await deps.queues.sendResult(refundResult(record, { ...found, amount: charge.refunded, correlationId }));
  await deps.refunds.settle(record.chargeId, { refundId: found.refundId, now: deps.now() });
  deps.log.info({ chargeId: record.chargeId, refundId: found.refundId, refunded: charge.refunded }, 'the provider has given all of the charge back: refund settled');
  return { kind: 'settled' };
}

function refundResult(
  record: RefundRecord,
  { refundId, providerEventId, amount, correlationId }: { refundId: string; providerEventId: string; amount: { amount: number; currency: string }; correlationId: string },
): PaymentResultMessage {
  const { orderId, chargeId, reason } = record;
  return { kind: 'refund', providerEventId, orderId, chargeId, refundId, outcome: 'SUCCEEDED', amount, reason, correlationId };
}

/**
 * One attempt of a refund failed (the provider's `refund.failed`, or its outright refusal): ask again
 * later with the next attempt, or, once the attempts are spent, raise the incident and tell
 * order-service that the refund FAILED, so the order says so.
 */
export async function settleFailedAttempt(
  deps: Pick<ProviderEventDeps, 'queues' | 'incidents' | 'log'>,
  record: RefundRecord,
  failure: { refundId: string; why: string; providerEventId: string },
  correlationId: string,
): Promise<void> {
  const { orderId, chargeId, amount, reason, attempt } = record;
  const next = afterFailedRefund(attempt);
  if (next.retry) {
    deps.log.warn({ chargeId, attempt, nextAttempt: next.attempt, inSeconds: next.delaySeconds, why: failure.why }, 'refund failed; asking again later');
    await deps.queues.requestRefund({ orderId, chargeId, amount, reason, attempt: next.attempt, correlationId }, next.delaySeconds);
    return;
  }
  await deps.incidents.refundFailed(refundFailedDetail(record, failure.why), { kind: 'attempts-spent' }, correlationId, deps.log);
  await deps.queues.sendResult({
    kind: 'refund',
    providerEventId: failure.providerEventId,
    orderId,
    chargeId,
    refundId: failure.refundId,
    outcome: 'FAILED',
    amount,
    reason,
    correlationId,
  });
}

/** The RefundFailed incident of a charge's refund: what the shop still holds of it (all of it, unless told), and why. */
function refundFailedDetail(record: RefundRecord, reason: string, held: { amount: number; currency: string } = record.amount) {
  return { orderId: record.orderId, chargeId: record.chargeId, amount: held, attempts: record.attempt, reason };
}

