import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findRepoRoot, type LoadedService, loadServices, physicalName, type ServiceManifest, type Trigger } from '@shop/platform';
import {
  CheckAvailabilityRequest,
  CheckoutStarted,
  GetProductsRequest,
  PaymentResultMessage,
  ReadCartRequest,
  RefundRequest,
  ReserveStockRequest,
} from '@shop/contracts';
import { EVENT_CATALOG, envelopeFromEventBridge, envelopeFromSnsMessage, parseAnyEvent } from '@shop/events';
import { matchesPattern } from '@shop/local-cloud';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as z from 'zod/mini';
import { ApiGatewayV2Event, DynamoDbStreamEvent, EventBridgeEventShape, SnsEvent, SqsEvent } from './aws-event-shapes';

/**
 * The sample events under apps/<service>/events/<function>/*.json (what `npm run invoke` takes):
 * each has the shape AWS gives a Lambda for one of its function's triggers, names the resources the
 * manifest declares, and carries what the manifest's schemas (routes, event rules, the event
 * catalog) accept. Where the manifest names no schema (a direct invoke's payload, a queue's
 * messages), the schema the handler parses with, from @shop/contracts, is listed here.
 */
const PAYLOAD_SCHEMAS: Record<string, z.ZodMiniType> = {
  'analytics-service/stream-processor': CheckoutStarted,
  'cart-service/read-cart': ReadCartRequest,
  'inventory-service/check-availability': CheckAvailabilityRequest,
  'inventory-service/reserve-stock': ReserveStockRequest,
  'product-service/get-products': GetProductsRequest,
};
const QUEUE_MESSAGES: Record<string, z.ZodMiniType> = {
  'payment-service/payment-events': PaymentResultMessage,
  'payment-service/refunds': RefundRequest,
};
const STAGE = 'local';

interface Sample {
  service: ServiceManifest;
  fn: string;
  file: string;
  event: Record<string, unknown>;
}

type Kind = Trigger['type'];
const DIRECT_KINDS: readonly Kind[] = ['invoke', 'state-machine-task', 'schedule'];

function samplesOf({ manifest, root }: LoadedService): Sample[] {
  const dir = join(root, 'events');
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (!entry.isDirectory()) throw new Error(`${relative(root, join(dir, entry.name))}: samples go in events/<function>/`);
    return readdirSync(join(dir, entry.name))
      .filter((name) => name.endsWith('.json'))
      .map((name) => {
        const file = join(dir, entry.name, name);
        return { service: manifest, fn: entry.name, file, event: JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> };
      });
  });
}

/** Which kind of trigger sent an event, read from its shape as a handler would. */
function kindOf(event: Record<string, unknown>): Kind | 'direct' {
  const requestContext = event['requestContext'] as { http?: unknown } | undefined;
  if (requestContext?.http) return 'http';
  if ('detail-type' in event) return 'event-rule';
  const record = (event['Records'] as Record<string, unknown>[] | undefined)?.[0];
  if (record?.['eventSource'] === 'aws:sqs') return 'queue';
  if (record?.['eventSource'] === 'aws:dynamodb') return 'table-stream';
  if (record?.['EventSource'] === 'aws:sns') return 'topic';
  return 'direct';
}

/** `service/resource` → its physical name in the local cloud (and in AWS, with the stage). */
function physical(ref: string): string {
  const [service, resource] = ref.split('/') as [string, string];
  return physicalName(STAGE, service, resource);
}

/** What is wrong with `sample` for the function's `trigger`; empty when nothing is. */
function problemsFor(sample: Sample, trigger: Trigger, services: readonly ServiceManifest[]): string[] {
  const { event } = sample;
  const issues = (result: { success: boolean; error?: z.core.$ZodError }, what: string) =>
    result.success ? [] : [`${what}: ${result.error?.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`];
  switch (trigger.type) {
    case 'http': {
      const shape = ApiGatewayV2Event.safeParse(event);
      if (!shape.success) return issues(shape, 'not an HTTP API (2.0) event');
      const api = shape.data;
      if (api.routeKey !== `${trigger.method} ${trigger.path}`) return [`routeKey ${api.routeKey} is not the route ${trigger.method} ${trigger.path}`];
      const request = trigger.request ?? {};
      return [
        ...(request.body ? issues(request.body.safeParse(JSON.parse(api.body ?? 'null')), 'body') : []),
        ...(request.query ? issues(request.query.safeParse(api.queryStringParameters ?? {}), 'query') : []),
        ...(request.path ? issues(request.path.safeParse(api.pathParameters ?? {}), 'path') : []),
        ...(request.headers ? issues(request.headers.safeParse(api.headers), 'headers') : []),
      ];
    }
    case 'event-rule': {
      const shape = EventBridgeEventShape.safeParse(event);
      if (!shape.success) return issues(shape, 'not an EventBridge event');
      const envelope = catalogProblem(() => parseAnyEvent(EVENT_CATALOG, envelopeFromEventBridge(event)));
      return [...(matchesPattern(trigger.pattern, event) ? [] : [`rule ${trigger.rule} does not match it`]), ...envelope];
    }
    case 'topic': {
      const shape = SnsEvent.safeParse(event);
      if (!shape.success) return issues(shape, 'not an SNS event');
      return shape.data.Records.flatMap((r) => [
        ...(r.Sns.TopicArn.endsWith(`:${physical(trigger.topic)}`) ? [] : [`TopicArn ${r.Sns.TopicArn} is not ${trigger.topic}`]),
        ...catalogProblem(() => parseAnyEvent(EVENT_CATALOG, envelopeFromSnsMessage(r.Sns.Message))),
      ]);
    }
    case 'queue': {
      const shape = SqsEvent.safeParse(event);
      if (!shape.success) return issues(shape, 'not an SQS event');
      const schema = QUEUE_MESSAGES[trigger.queue];
      if (!schema) return [`no message schema listed for the queue ${trigger.queue}`];
      return shape.data.Records.flatMap((r) => [
        ...(r.eventSourceARN.endsWith(`:${physical(trigger.queue)}`) ? [] : [`eventSourceARN ${r.eventSourceARN} is not ${trigger.queue}`]),
        ...issues(schema.safeParse(JSON.parse(r.body)), 'message body'),
      ]);
    }
    case 'table-stream': {
      const shape = DynamoDbStreamEvent.safeParse(event);
      if (!shape.success) return issues(shape, 'not a DynamoDB stream event');
      const [owner, tableName] = trigger.table.split('/') as [string, string];
      const table = services.find((s) => s.name === owner)?.tables[tableName];
      if (!table) return [`no table ${trigger.table}`];
      const keys = [table.partitionKey.name, ...(table.sortKey ? [table.sortKey.name] : [])];
      return shape.data.Records.flatMap((r) => [
        ...(r.eventSourceARN?.includes(`:table/${physical(trigger.table)}/stream/`) ? [] : [`eventSourceARN ${r.eventSourceARN} is not ${trigger.table}'s stream`]),
        ...(r.dynamodb?.StreamViewType === table.stream ? [] : [`StreamViewType ${r.dynamodb?.StreamViewType} is not the table's ${table.stream}`]),
        ...(Object.keys(r.dynamodb?.Keys ?? {}).sort().join() === [...keys].sort().join() ? [] : [`Keys are not the table's key (${keys.join(', ')})`]),
        ...keys.filter((k) => r.eventName !== 'REMOVE' && !(k in (r.dynamodb?.NewImage ?? {}))).map((k) => `NewImage lacks the key ${k}`),
      ]);
    }
    case 'schedule': {
      // As Scheduler hands it over: its context attribute `<aws.scheduler.scheduled-time>` is a time.
      const input = JSON.stringify(trigger.input)
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replaceAll('<aws\\.scheduler\\.scheduled-time>', '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ');
      return new RegExp(`^${input}$`).test(JSON.stringify(event)) ? [] : [`not the input of the schedule ${trigger.schedule}`];
    }
    case 'invoke':
    case 'state-machine-task': {
      const schema = PAYLOAD_SCHEMAS[`${sample.service.name}/${sample.fn}`];
      if (!schema) return [`no payload schema listed for ${sample.service.name}/${sample.fn}`];
      // The direct wrappers take `correlationId` off the payload before they parse it.
      const { correlationId: _, ...payload } = event;
      return issues(schema.safeParse(payload), 'payload');
    }
  }
}

function catalogProblem(parse: () => unknown): string[] {
  try {
    parse();
    return [];
  } catch (error) {
    return [`not an event of the catalog: ${(error as Error).message}`];
  }
}

describe('sample events', () => {
  let services: ServiceManifest[];
  let samples: Sample[];
  const repoRoot = findRepoRoot();

  beforeAll(async () => {
    const loaded = await loadServices(repoRoot);
    services = loaded.map((s) => s.manifest);
    samples = loaded.flatMap(samplesOf);
  }, 60_000);

  it("include the shop's named ones", () => {
    const files = samples.map((s) => relative(repoRoot, s.file));
    expect(files).toEqual(
      expect.arrayContaining([
        'apps/order-events/events/publish-order-events/order-created.json',
        'apps/analytics-service/events/analytics-writer/order-created.json',
        'apps/payment-service/events/payment-webhook/payment-success.json',
        'apps/order-service/events/update-order-status/payment-success.json',
        'apps/inventory-service/events/adjust-stock/inventory-update.json',
      ]),
    );
  });

  it('cover every kind of trigger the manifests use', () => {
    const used = new Set(services.flatMap((s) => Object.values(s.functions).flatMap((f) => f.triggers.map((t) => t.type))));
    const covered = new Set(
      samples.flatMap((s) => {
        const kind = kindOf(s.event);
        const triggers = s.service.functions[s.fn]?.triggers ?? [];
        return triggers.filter((t) => (kind === 'direct' ? DIRECT_KINDS.includes(t.type) : t.type === kind) && problemsFor(s, t, services).length === 0).map((t) => t.type);
      }),
    );
    expect([...used].filter((kind) => !covered.has(kind))).toEqual([]);
  });

  it("each fit one of their function's triggers: AWS's shape, the manifest's resources and schemas", () => {
    expect(samples.length).toBeGreaterThan(10);
    const problems = samples.flatMap((sample) => {
      const where = relative(repoRoot, sample.file);
      const fn = sample.service.functions[sample.fn];
      if (!fn) return [`${where}: ${sample.service.name} has no function ${sample.fn}`];
      const kind = kindOf(sample.event);
      const candidates = fn.triggers.filter((t) => (kind === 'direct' ? DIRECT_KINDS.includes(t.type) : t.type === kind));
      if (candidates.length === 0) return [`${where}: a ${kind} event, and ${sample.fn} has no such trigger`];
      const perTrigger = candidates.map((t) => problemsFor(sample, t, services));
      // A sample fits when one of the triggers of its kind takes it (a function may have two schedules).
      return perTrigger.some((p) => p.length === 0) ? [] : [`${where}: ${perTrigger.flat().join('; ')}`];
    });
    expect(problems).toEqual([]);
  });

  it('catch a sample that does not fit (the check is not vacuous)', () => {
    const sample = samples.find((s) => s.fn === 'update-order-status');
    expect(sample).toBeDefined();
    const trigger = sample?.service.functions['update-order-status']?.triggers[0] as Trigger;
    const broken = { ...(sample as Sample), event: structuredClone((sample as Sample).event) };
    const record = (broken.event['Records'] as { body: string; eventSourceARN: string }[])[0] as { body: string; eventSourceARN: string };
    record.body = JSON.stringify({ kind: 'charge', orderId: 'not-a-uuid' });
    record.eventSourceARN = record.eventSourceARN.replace('payment-events', 'refunds');
    expect(problemsFor(broken, trigger, services)).toEqual([
      expect.stringContaining('is not payment-service/payment-events'),
      expect.stringContaining('message body'),
    ]);
  });
});
