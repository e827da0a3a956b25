import { randomUUID } from 'node:crypto';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { emailConfigurationSetName, eventBusName, type ServiceManifest } from '@shop/platform';
import { AsyncInvocations } from './async-invoke/async-invocations';
import { StreamPoller } from './dynamodb-streams/stream-poller';
import { LocalEventBus } from './eventbridge/event-bus';
import { startEventBridgeApi } from './eventbridge/eventbridge-api';
import type { ListeningServer } from './http-server';
import type { Authorizer } from './iam/local-iam';
import type { FaultInjector } from './faults';
import { type LambdaRuntime, LOCAL_ACCOUNT_ID } from './lambda-runtime';
import { LOCAL_AWS } from './local-aws';
import { Outbox } from './outbox';
import { LocalScheduler } from './scheduler/local-scheduler';
import { currentTraceHeader } from './trace-context';
import { startSesApi } from './ses/sesv2-api';
import { LocalSns } from './sns/local-sns';
import { startSnsApi } from './sns/sns-api';
import type { QueueAddress } from './sqs/queues';
import type { InvocationOrigin } from './trace';
import { asyncInvokeSettings, eventRuleBindings, scheduleBindings, streamMappings, topicBindings } from './wiring';

/**
 * The asynchronous half of the shop on localhost, wired from the manifests as infra wires it:
 * Lambda's asynchronous invokes (retries, on-failure destinations), the shop's EventBridge bus
 * and its rules, SNS topics and their subscriptions, SES and SNS SMS into an outbox, DynamoDB
 * stream mappings and the scheduler. Every event a function gets on this side travels as an
 * asynchronous invoke, as on AWS, except stream batches, which Lambda delivers synchronously.
 */

export interface MessagingOptions {
  runtime: LambdaRuntime;
  sqs: SQSClient;
  stage: string;
  region: string;
  host: string;
  services: readonly ServiceManifest[];
  /** The manifests' dead-letter queues by `service/queue`. */
  deadLetterQueues: ReadonlyMap<string, QueueAddress>;
  ports: { eventBridge?: number; sns?: number; ses?: number };
  /** Waits before Lambda's retries of a failed asynchronous invocation; AWS's 60 s and 120 s when absent. */
  asyncRetryDelaysMs?: readonly number[];
  /** The local cloud's IAM, judging the functions' PutEvents, Publish and SendEmail calls. */
  authorizer?: Authorizer;
  /** Faults armed on purpose; SES fails a SendEmail on `email-send-fail`. */
  faults?: FaultInjector;
  log: (line: string) => void;
}

export interface Messaging {
  asyncInvocations: AsyncInvocations;
  bus: LocalEventBus;
  sns: LocalSns;
  outbox: Outbox;
  servers: { eventBridge: ListeningServer; sns: ListeningServer; ses: ListeningServer };
  /** Stops the servers and cancels waiting retries; safe once. */
  stop(): Promise<void>;
}

export async function startMessaging(options: MessagingOptions): Promise<Messaging> {
  const { runtime, sqs, stage, region, host, services, deadLetterQueues, log } = options;
  const destinations = new Map(
    asyncInvokeSettings(stage, services).map((s) => {
      const queue = deadLetterQueues.get(s.onFailure);
      if (!queue) throw new Error(`${s.functionName}: no dead-letter queue ${s.onFailure}`);
      return [s.functionName, { maximumRetryAttempts: s.maximumRetryAttempts, onFailure: { queueUrl: queue.url, queueArn: queue.arn } }];
    }),
  );
  const asyncInvocations = new AsyncInvocations({
    runtime,
    sqs,
    region,
    config: (functionName) => destinations.get(functionName),
    ...(options.asyncRetryDelaysMs && { retryDelaysMs: options.asyncRetryDelaysMs }),
    log: (line) => log(`lambda: ${line}`),
  });
  const invokeAsync = (functionName: string, event: unknown, origin: InvocationOrigin) =>
    asyncInvocations.invoke({ functionName, requestId: randomUUID(), event, origin });

  const outbox = new Outbox();
  const sns = new LocalSns({
    outbox,
    region,
    deliverLambda: (functionName, event) =>
      invokeAsync(functionName, event, { pattern: 'sns', via: event.Records[0]?.Sns.TopicArn.split(':').pop() ?? '' }),
    log: (line) => log(`sns: ${line}`),
  });
  const topicArns = new Map<string, string>();
  for (const topic of topicBindings(stage, services)) {
    const arn = sns.createTopic(topic.name);
    topicArns.set(topic.ref, arn);
    for (const subscriber of topic.subscribers) sns.subscribe(arn, subscriber);
  }

  const busName = eventBusName(stage);
  const bus = new LocalEventBus({
    buses: [busName],
    region,
    deliver: {
      lambda: (functionName, event) => invokeAsync(functionName, event, { pattern: 'eventbridge', via: `${event.source} ${event['detail-type']}` }),
      sns: async (topicArn, message) => void sns.publish({ TopicArn: topicArn, Message: message }),
      sqs: async (queueUrl, body) => {
        // The message carries the trace of the event that the rule delivered, as EventBridge does.
        const traceHeader = currentTraceHeader();
        const MessageSystemAttributes = traceHeader ? { AWSTraceHeader: { DataType: 'String', StringValue: traceHeader } } : undefined;
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, ...(MessageSystemAttributes && { MessageSystemAttributes }) }));
      },
    },
    log: (line) => log(`eventbridge: ${line}`),
  });
  for (const rule of eventRuleBindings(stage, services)) {
    const target =
      rule.target.kind === 'function'
        ? ({ kind: 'lambda', functionName: rule.target.functionName } as const)
        : ({ kind: 'sns', topicArn: required(topicArns, rule.target.topic) } as const);
    bus.putRule(busName, { name: rule.name, pattern: rule.pattern, targets: [target] });
  }

  const started: ListeningServer[] = [];
  try {
    const { authorizer } = options;
    const eventBridge = await startEventBridgeApi(bus, {
      host,
      port: options.ports.eventBridge ?? 0,
      ...(authorizer && { access: { authorizer, region, accountId: LOCAL_ACCOUNT_ID } }),
    });
    started.push(eventBridge);
    const snsServer = await startSnsApi(sns, { host, port: options.ports.sns ?? 0, ...(authorizer && { authorizer }) });
    started.push(snsServer);
    const ses = await startSesApi(outbox, {
      host,
      port: options.ports.ses ?? 0,
      log: (line) => log(`ses: ${line}`),
      ...(options.faults && { faults: options.faults }),
      ...(authorizer && { access: { authorizer, region, accountId: LOCAL_ACCOUNT_ID, defaultConfigurationSet: emailConfigurationSetName(stage) } }),
    });
    started.push(ses);
    return {
      asyncInvocations,
      bus,
      sns,
      outbox,
      servers: { eventBridge, sns: snsServer, ses },
      stop: async () => {
        await asyncInvocations.stop();
        await bus.settled();
        await Promise.all(started.map((s) => s.close()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((s) => s.close()));
    throw error;
  }
}

/** One poller per table-stream trigger, reading the table's stream on DynamoDB Local. */
export async function startStreamPollers(options: {
  runtime: LambdaRuntime;
  sqs: SQSClient;
  dynamoDbEndpoint: string;
  stage: string;
  region: string;
  services: readonly ServiceManifest[];
  deadLetterQueues: ReadonlyMap<string, QueueAddress>;
  /** Wait before a failing batch is retried; 1 s when absent. */
  retryDelayMs?: number;
  log: (line: string) => void;
}): Promise<{ pollers: StreamPoller[]; stop(): Promise<void> }> {
  const db = new DynamoDBClient({ ...LOCAL_AWS, endpoint: options.dynamoDbEndpoint });
  const streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: options.dynamoDbEndpoint });
  const pollers: StreamPoller[] = [];
  try {
    for (const mapping of streamMappings(options.stage, options.services)) {
      const { Table } = await db.send(new DescribeTableCommand({ TableName: mapping.tableName }));
      const streamArn = Table?.LatestStreamArn;
      if (!streamArn) throw new Error(`${mapping.functionName} consumes the stream of ${mapping.tableName}, which has none`);
      const queue = options.deadLetterQueues.get(mapping.onFailure);
      if (!queue) throw new Error(`${mapping.functionName}: no dead-letter queue ${mapping.onFailure}`);
      const poller = new StreamPoller({
        streams,
        runtime: options.runtime,
        functionName: mapping.functionName,
        streamArn,
        batchSize: mapping.batchSize,
        ...(mapping.maxBatchingWindowSeconds !== undefined && { maxBatchingWindowSeconds: mapping.maxBatchingWindowSeconds }),
        startingPosition: mapping.startingPosition,
        maximumRetryAttempts: mapping.maximumRetryAttempts,
        bisectBatchOnError: mapping.bisectBatchOnError,
        onFailure: { queueUrl: queue.url, sqs: options.sqs },
        region: options.region,
        ...(options.retryDelayMs !== undefined && { retryDelayMs: options.retryDelayMs }),
        log: (line) => options.log(`stream ${mapping.tableName} → ${mapping.functionName}: ${line}`),
      });
      poller.start();
      pollers.push(poller);
    }
  } finally {
    db.destroy();
  }
  return {
    pollers,
    stop: async () => {
      await Promise.all(pollers.map((p) => p.stop()));
      streams.destroy();
    },
  };
}

/** The manifests' schedules, each an asynchronous invoke of its function when its time comes. */
export function startScheduler(options: {
  asyncInvocations: AsyncInvocations;
  stage: string;
  services: readonly ServiceManifest[];
  log: (line: string) => void;
}): LocalScheduler {
  const scheduler = new LocalScheduler({
    schedules: scheduleBindings(options.stage, options.services),
    invoke: (functionName, event, scheduleName) =>
      options.asyncInvocations.invoke({ functionName, requestId: randomUUID(), event, origin: { pattern: 'schedule', via: scheduleName } }),
    log: (line) => options.log(`scheduler: ${line}`),
  });
  scheduler.start();
  return scheduler;
}

/** The entry of a map the manifests filled, for a reference they were checked to make. */
export function required<T>(known: ReadonlyMap<string, T>, ref: string): T {
  const value = known.get(ref);
  if (value === undefined) throw new Error(`no such resource: ${ref}`);
  return value;
}
