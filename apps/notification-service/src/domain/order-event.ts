import { type EnvelopeOf, ORDER_EVENTS } from '@shop/events';

/** The order events a customer is told about: exactly what the notifications topic carries. */
export const NOTIFIED_EVENTS = ORDER_EVENTS;
export type OrderEvent = EnvelopeOf<(typeof NOTIFIED_EVENTS)[number]>;
