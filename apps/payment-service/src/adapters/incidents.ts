import { type EventPublisher, eventBridgePublisher } from '@shop/aws';
import { type Logger, Metrics } from '@shop/common';
import { createEvent, deterministicEventId, type EventDefinition, PaymentMismatch, RefundFailed, UnknownCharge, UnknownRefund } from '@shop/events';
import type * as z from 'zod/mini';
import type { RefundFailureCause } from '../domain/provider-events';

/**
 * Operator incidents: money that needs a person. Each is an event on the shop's bus (for whoever
 * handles incidents, and for the local cloud's /_local/events), a log line at error, and the
 * metric that infra alarms on. Raising one twice for the same cause is harmless: the event's id is
 * derived from its cause (`incidentId`), so the bus gets the same event twice, which consumers,
 * idempotent by event id, take once.
 */
export interface Incidents {
  paymentMismatch(detail: z.input<typeof PaymentMismatch.detail>, correlationId: string, log: Logger): Promise<void>;
  refundFailed(detail: z.input<typeof RefundFailed.detail>, cause: RefundFailureCause, correlationId: string, log: Logger): Promise<void>;
  unknownCharge(detail: z.input<typeof UnknownCharge.detail>, correlationId: string, log: Logger): Promise<void>;
  unknownRefund(detail: z.input<typeof UnknownRefund.detail>, correlationId: string, log: Logger): Promise<void>;
}

export function busIncidents(bus: EventPublisher = eventBridgePublisher(), metrics: Metrics = new Metrics()): Incidents {
  /** One incident: the error line first, then the metric, then the event on the bus. */
  const raise = async <E extends EventDefinition>(definition: E, detail: z.input<E['detail']>, id: string, correlationId: string, log: Logger, words: string) => {
    log.error({ incident: definition.type, eventId: id, ...(detail as object) }, words);
    count(metrics, definition.type);
    await publish(bus, createEvent(definition, detail, { id, correlationId }));
  };
  return {
    paymentMismatch: (detail, correlationId, log) =>
      raise(PaymentMismatch, detail, incidentId(PaymentMismatch, detail.providerEventId), correlationId, log, 'a provider event did not match the charge the shop made: it pays nothing'),
    refundFailed: (detail, cause, correlationId, log) =>
      raise(RefundFailed, detail, refundFailedId(detail, cause), correlationId, log, 'a refund kept failing: a person must give the money back'),
    unknownCharge: (detail, correlationId, log) =>
      raise(UnknownCharge, detail, incidentId(UnknownCharge, detail.providerEventId), correlationId, log, "a charge that names no order of the shop was taken with the shop's key: a person must look"),
    unknownRefund: (detail, correlationId, log) =>
      raise(UnknownRefund, detail, incidentId(UnknownRefund, detail.providerEventId), correlationId, log, 'a charge that paid an order was refunded outside the shop: a person must look'),
  };
}

/**
 * An incident's event id: its type and what caused it, so that two raises of the same incident
 * put the same event (a provider event delivered twice at once, both past the webhook-events
 * check before either is noted; a refund request the queue delivers again; a raise again after
 * the bus refused it) and two different incidents never share one.
 */
function incidentId(definition: EventDefinition, ...cause: string[]): string {
  return deterministicEventId(definition.type, ...cause);
}

/**
 * PaymentMismatch, UnknownCharge and UnknownRefund are each about one provider event, which is
 * checked once against one order: its id (the provider's, unique on its account) names them. A
 * RefundFailed is about a charge, and by what made it one (`RefundFailureCause`): the last attempt
 * failing happens once to a charge, so the charge and its attempt name it, whichever way the
 * attempt failed; a refund reversed after it succeeded is named by that refund (a charge refunded
 * by hand after its attempts were spent may see it, at the same attempt); a refund event the
 * provider would not let the shop check, by that event. The kind is part of the id, so that
 * one cause is never taken for another.
 */
function refundFailedId(detail: z.input<typeof RefundFailed.detail>, cause: RefundFailureCause): string {
  switch (cause.kind) {
    case 'attempts-spent':
      return incidentId(RefundFailed, detail.chargeId, cause.kind, String(detail.attempts));
    case 'reversed':
      return incidentId(RefundFailed, detail.chargeId, cause.kind, cause.refundId);
    case 'unverified':
      return incidentId(RefundFailed, detail.chargeId, cause.kind, cause.providerEventId);
  }
}

/**
 * The metric infra alarms on (namespace `Shop`, dimensions `service` and `stage`), written at
 * once, before the event: the alarm must not depend on the bus. An incident raised again for the
 * same cause counts again: the alarm (Sum > 0 over 5 minutes) reads that the same, and counting
 * once per incident would take a store shared by every invocation, noted before the metric, so
 * that an invocation dying between the two would lose the alarm. The error line names the event
 * id, which tells the incidents apart in the logs.
 */
function count(metrics: Metrics, incident: string): void {
  metrics.add({ name: incident, unit: 'Count', value: 1 });
  metrics.flush();
}

async function publish(bus: EventPublisher, event: Parameters<EventPublisher['publish']>[0][number]): Promise<void> {
  const outcome = await bus.publish([event]);
  if (outcome.failed.length > 0) throw new Error(`the incident event was not published: ${outcome.failed[0]?.reason}`);
}
