import * as z from 'zod/mini';

/** Where events come from: the `source` of every envelope, also the EventBridge `source`. */
export const EVENT_SOURCE_PREFIX = 'shop.';

/**
 * Every event travels in this envelope, whatever carries it (EventBridge, SNS, SQS).
 * Consumers are idempotent by `id`: delivery is at least once.
 */
export const EventEnvelope = z.object({
  id: z.uuid(),
  type: z.string().check(z.minLength(1)),
  version: z.int().check(z.minimum(1)),
  source: z.string().check(z.startsWith(EVENT_SOURCE_PREFIX)),
  time: z.iso.datetime({ offset: false }),
  correlationId: z.string().check(z.minLength(1), z.maxLength(128)),
  detail: z.unknown(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/** One entry of the catalog: an event's name, version, source and the schema of its detail. */
export interface EventDefinition<T extends string = string, D extends z.ZodMiniType = z.ZodMiniType> {
  type: T;
  version: number;
  source: string;
  description: string;
  detail: D;
}

export function defineEvent<T extends string, D extends z.ZodMiniType>(definition: EventDefinition<T, D>): EventDefinition<T, D> {
  return definition;
}

export type TypedEnvelope<E extends EventDefinition> = Omit<EventEnvelope, 'detail' | 'type'> & {
  type: E['type'];
  detail: z.output<E['detail']>;
};

/** One of several events' envelopes, as a union a consumer can narrow by `type`. */
export type EnvelopeOf<E extends EventDefinition> = E extends EventDefinition ? TypedEnvelope<E> : never;
