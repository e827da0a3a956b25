import { randomUUID } from 'node:crypto';
import type * as z from 'zod/mini';
import { type EnvelopeOf, type EventDefinition, EventEnvelope, type TypedEnvelope } from './envelope';

export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
  constructor(
    message: string,
    readonly issues: readonly string[],
  ) {
    super(message);
  }
}

/** Wraps a detail in a fresh envelope, checking the detail against the event's schema. */
export function createEvent<E extends EventDefinition>(
  definition: E,
  detail: z.input<E['detail']>,
  context: { correlationId: string; id?: string; time?: Date },
): TypedEnvelope<E> {
  const parsed = definition.detail.safeParse(detail);
  if (!parsed.success) {
    throw new InvalidEventError(`${definition.type} v${definition.version} detail is invalid`, describe(parsed.error.issues));
  }
  return {
    id: context.id ?? randomUUID(),
    type: definition.type,
    version: definition.version,
    source: definition.source,
    time: (context.time ?? new Date()).toISOString(),
    correlationId: context.correlationId,
    detail: parsed.data as z.output<E['detail']>,
  };
}

/** Checks a received envelope and its detail; consumers call this before acting on anything. */
export function parseEvent<E extends EventDefinition>(definition: E, raw: unknown): TypedEnvelope<E> {
  const envelope = EventEnvelope.safeParse(raw);
  if (!envelope.success) throw new InvalidEventError('not an event envelope', describe(envelope.error.issues));
  const { type, version } = envelope.data;
  if (type !== definition.type || version !== definition.version) {
    throw new InvalidEventError(`expected ${definition.type} v${definition.version}, got ${type} v${version}`, []);
  }
  const detail = definition.detail.safeParse(envelope.data.detail);
  if (!detail.success) throw new InvalidEventError(`${type} v${version} detail is invalid`, describe(detail.error.issues));
  return { ...envelope.data, type: definition.type, detail: detail.data } as TypedEnvelope<E>;
}

function describe(issues: readonly z.core.$ZodIssue[]): string[] {
  return issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
}

/**
 * Checks a received envelope against whichever of `definitions` its type and version name: a
 * consumer of several events parses once and switches on `type`.
 */
export function parseAnyEvent<const E extends readonly EventDefinition[]>(definitions: E, raw: unknown): EnvelopeOf<E[number]> {
  const envelope = EventEnvelope.safeParse(raw);
  if (!envelope.success) throw new InvalidEventError('not an event envelope', describe(envelope.error.issues));
  const { type, version } = envelope.data;
  const definition = definitions.find((d) => d.type === type && d.version === version);
  if (!definition) {
    throw new InvalidEventError(`${type} v${version} is not one of ${definitions.map((d) => `${d.type} v${d.version}`).join(', ')}`, []);
  }
  return parseEvent(definition, raw) as EnvelopeOf<E[number]>;
}
