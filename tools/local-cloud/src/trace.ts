import type { RuntimeLogLine } from './lambda-runtime';

/**
 * Which of the shop's ways of talking carried a message to a function. The seven patterns the
 * shop shows, plus the two triggers that are neither a call nor a message from another function.
 */
export type MessagePattern =
  | 'api-gateway'
  | 'sync-invoke'
  | 'async-invoke'
  | 'eventbridge'
  | 'sns'
  | 'sqs'
  | 'step-functions'
  | 'dynamodb-stream'
  | 'schedule';

/** What invoked a function and through what: a route, a rule, a topic, a queue, a state, a table, a schedule. */
export interface InvocationOrigin {
  pattern: MessagePattern;
  via: string;
}

/** One invocation as the local cloud saw it, with the correlation ids its log lines carried. */
export interface TraceEntry {
  at: string;
  /** The physical name, and the service and function of its manifest. */
  functionName: string;
  service: string;
  function: string;
  requestId: string;
  pattern: MessagePattern;
  via: string;
  ok: boolean;
  coldStart: boolean;
  durationMs: number;
  error?: string;
  /** The layers the function loaded its shared code from. */
  layers: string[];
  correlationIds: string[];
}

/**
 * Records every invocation with what carried it, for the person running the shop and the demo
 * (`GET /_local/trace?correlationId=`): the correlation id that ties an order's messages
 * together is read from the functions' own JSON log lines, as one would search CloudWatch Logs.
 * Keeps the last `capacity` invocations.
 */
export class DeliveryTrace {
  private readonly entries: TraceEntry[] = [];
  private readonly byRequest = new Map<string, TraceEntry[]>();
  /** Correlation ids seen in log lines before the invocation they belong to was recorded. */
  private readonly early = new Map<string, Set<string>>();

  constructor(
    /** What the manifests say of a function: its service, its name there, the layers it loads. */
    private readonly describe: (functionName: string) => { service: string; function: string; layers: string[] } | undefined = () => undefined,
    private readonly capacity = 5000,
  ) {}

  record(entry: Omit<TraceEntry, 'at' | 'service' | 'function' | 'layers' | 'correlationIds'> & { at?: string }): void {
    const known = this.describe(entry.functionName);
    const recorded: TraceEntry = {
      ...entry,
      at: entry.at ?? new Date().toISOString(),
      service: known?.service ?? '',
      function: known?.function ?? entry.functionName,
      layers: known?.layers ?? [],
      correlationIds: [...(this.early.get(entry.requestId) ?? [])],
    };
    this.early.delete(entry.requestId);
    this.entries.push(recorded);
    const same = this.byRequest.get(entry.requestId) ?? [];
    same.push(recorded);
    this.byRequest.set(entry.requestId, same);
    while (this.entries.length > this.capacity) {
      const gone = this.entries.shift();
      if (gone) this.byRequest.delete(gone.requestId);
    }
  }

  /** Reads the correlation id off a function's JSON log line, for the invocation that wrote it. */
  noteLog(line: RuntimeLogLine): void {
    if (!line.requestId || !line.line.startsWith('{')) return;
    let correlationId: unknown;
    try {
      correlationId = (JSON.parse(line.line) as { correlationId?: unknown }).correlationId;
    } catch {
      return;
    }
    if (typeof correlationId !== 'string') return;
    const entries = this.byRequest.get(line.requestId);
    if (!entries) {
      const early = this.early.get(line.requestId) ?? new Set<string>();
      early.add(correlationId);
      this.early.set(line.requestId, early);
      return;
    }
    for (const entry of entries) if (!entry.correlationIds.includes(correlationId)) entry.correlationIds.push(correlationId);
  }

  /** In the order they started; with a correlation id, only the invocations that logged it. */
  list(filter: { correlationId?: string } = {}): TraceEntry[] {
    const { correlationId } = filter;
    const entries = correlationId ? this.entries.filter((e) => e.correlationIds.includes(correlationId)) : [...this.entries];
    return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}

/**
 * What carried an event, from its shape, for the triggers that do not say (event source
 * mappings): SQS and DynamoDB stream batches, SNS deliveries, EventBridge events, API Gateway.
 */
export function originOfEvent(event: unknown): InvocationOrigin | undefined {
  const e = event as Record<string, unknown> | null;
  if (typeof e !== 'object' || e === null) return undefined;
  const first = Array.isArray(e['Records']) ? (e['Records'][0] as Record<string, unknown> | undefined) : undefined;
  if (first?.['eventSource'] === 'aws:sqs') return { pattern: 'sqs', via: lastPart(String(first['eventSourceARN'] ?? ''), ':') };
  if (first?.['eventSource'] === 'aws:dynamodb') return { pattern: 'dynamodb-stream', via: tableOfStream(String(first['eventSourceARN'] ?? '')) };
  if (first?.['EventSource'] === 'aws:sns') {
    return { pattern: 'sns', via: lastPart(String((first['Sns'] as { TopicArn?: string } | undefined)?.TopicArn ?? ''), ':') };
  }
  if (typeof e['detail-type'] === 'string' && typeof e['source'] === 'string') return { pattern: 'eventbridge', via: `${e['source']} ${e['detail-type']}` };
  const http = (e['requestContext'] as { http?: unknown; routeKey?: unknown } | undefined)?.http;
  if (typeof http === 'object' && http !== null) return { pattern: 'api-gateway', via: String((e['requestContext'] as { routeKey?: unknown }).routeKey ?? '') };
  return undefined;
}

function lastPart(value: string, separator: string): string {
  return value.slice(value.lastIndexOf(separator) + 1);
}

/** `arn:aws:dynamodb:…:table/<name>/stream/<label>` → `<name>`. */
function tableOfStream(arn: string): string {
  return /:table\/([^/]+)\//.exec(arn)?.[1] ?? arn;
}
