import { type EventPublisher, eventBridgePublisher } from '@shop/aws';
import { type Logger, Metrics } from '@shop/common';
import { createEvent, type EventDefinition, PaymentMismatch, RefundFailed, UnknownCharge, UnknownRefund } from '@shop/events';
import type * as z from 'zod/mini';

/**
 * Operator incidents: money that needs a person. Each is an event on the shop's bus (for whoever
 * handles incidents, and for the local cloud's /_local/events), a log line at error, and the
 * metric that infra alarms on. Raising one twice for the same cause is harmless: the events are
 * named after their cause.
 */
export interface Incidents {
  paymentMismatch(detail: z.input<typeof PaymentMismatch.detail>, correlationId: string, log: Logger): Promise<void>;
  refundFailed(detail: z.input<typeof RefundFailed.detail>, correlationId: string, log: Logger): Promise<void>;
  unknownCharge(detail: z.input<typeof UnknownCharge.detail>, correlationId: string, log: Logger): Promise<void>;
  unknownRefund(detail: z.input<typeof UnknownRefund.detail>, correlationId: string, log: Logger): Promise<void>;
}

export function busIncidents(bus: EventPublisher = eventBridgePublisher(), metrics: Metrics = new Metrics()): Incidents {
  /** One incident: the error line first, then the metric, then the event on the bus. */
  const raise =
    <E extends EventDefinition>(definition: E, words: string) =>
    async (detail: z.input<E['detail']>, correlationId: string, log: Logger): Promise<void> => {
      log.error({ incident: definition.type, ...(detail as object) }, words);
      count(metrics, definition.type);
      await publish(bus, createEvent(definition, detail, { correlationId }));
    };
  return {
    paymentMismatch: raise(PaymentMismatch, 'a provider event did not match the charge the shop made: it pays nothing'),
    refundFailed: raise(RefundFailed, 'a refund kept failing: a person must give the money back'),
    unknownCharge: raise(UnknownCharge, "a charge that names no order of the shop was taken with the shop's key: a person must look"),
    unknownRefund: raise(UnknownRefund, 'a charge that paid an order was refunded outside the shop: a person must look'),
  };
}

/**
 * The metric infra alarms on (namespace `Shop`, dimensions `service` and `stage`), written at
 * once, before the event: the alarm must not depend on the bus. An incident raised again for the
 * same cause (a redelivered message) counts again, which an alarm on "more than 0" reads the same.
 */
function count(metrics: Metrics, incident: string): void {
  metrics.add({ name: incident, unit: 'Count', value: 1 });
  metrics.flush();
}

async function publish(bus: EventPublisher, event: Parameters<EventPublisher['publish']>[0][number]): Promise<void> {
  const outcome = await bus.publish([event]);
  if (outcome.failed.length > 0) throw new Error(`the incident event was not published: ${outcome.failed[0]?.reason}`);
}
