import type { MessagePattern, TraceEntry } from '@shop/local-cloud';

/** The seven ways the shop's Lambdas talk, as a newcomer reads them, and what stands for each in the trace. */
export const SEVEN_PATTERNS = [
  { name: 'API Gateway proxy', carries: ['api-gateway'] },
  { name: 'synchronous invoke (RequestResponse)', carries: ['sync-invoke'] },
  { name: 'asynchronous invoke (Event)', carries: ['async-invoke'] },
  { name: 'pub/sub: EventBridge and SNS', carries: ['eventbridge', 'sns'] },
  { name: 'queue: SQS', carries: ['sqs'] },
  { name: 'orchestration: Step Functions', carries: ['step-functions'] },
  { name: 'shared Lambda layers', carries: [] },
] as const satisfies readonly { name: string; carries: readonly MessagePattern[] }[];

/** How each carrier reads in the walkthrough, with the triggers that are not one of the seven. */
const CARRIER_LABEL: Record<MessagePattern, string> = {
  'api-gateway': 'API Gateway proxy',
  'sync-invoke': 'sync invoke',
  'async-invoke': 'async invoke',
  eventbridge: 'EventBridge rule',
  sns: 'SNS topic',
  sqs: 'SQS queue',
  'step-functions': 'Step Functions task',
  'dynamodb-stream': 'DynamoDB stream',
  schedule: 'schedule',
};

/** One line of the walkthrough per invocation: what carried the message, to which function, and how it went. */
export function describeInvocation(entry: TraceEntry): string {
  const how = [entry.ok ? 'ok' : `failed: ${entry.error ?? 'error'}`, entry.coldStart ? 'cold start' : undefined, `${entry.durationMs} ms`]
    .filter(Boolean)
    .join(', ');
  return `${CARRIER_LABEL[entry.pattern].padEnd(19)} ${entry.via.padEnd(44)} → ${`${entry.service}/${entry.function}`.padEnd(38)} (${how})`;
}

/** Which of the seven patterns the invocations used: layers count when any function loaded shared code from one. */
export function patternsSeen(entries: readonly TraceEntry[]): { name: string; seen: boolean }[] {
  const carriers = new Set(entries.map((e) => e.pattern));
  return SEVEN_PATTERNS.map((pattern) => ({
    name: pattern.name,
    seen: pattern.carries.length === 0 ? entries.some((e) => e.layers.length > 0) : pattern.carries.some((c) => carriers.has(c)),
  }));
}

/** The layers the invocations loaded their shared code from, each with how many functions did. */
export function layersUsed(entries: readonly TraceEntry[]): { layer: string; functions: number }[] {
  const byLayer = new Map<string, Set<string>>();
  for (const entry of entries) {
    for (const layer of entry.layers) byLayer.set(layer, (byLayer.get(layer) ?? new Set()).add(entry.functionName));
  }
  return [...byLayer].map(([layer, functions]) => ({ layer, functions: functions.size })).sort((a, b) => a.layer.localeCompare(b.layer));
}
