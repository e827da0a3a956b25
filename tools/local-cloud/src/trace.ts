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
  /** The X-Ray trace the invocation belongs to, its own segment, and the segment of its caller. */
  traceId: string;
  id: string;
  parentId?: string;
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

  record(entry: Omit<TraceEntry, 'at' | 'service' | 'function' | 'layers' | 'correlationIds'> & { at?: string }): TraceEntry {
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
    return recorded;
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

  /** In the order they started; with a correlation id, only the invocations that logged it; with a trace id, its trace. */
  list(filter: { correlationId?: string; traceId?: string } = {}): TraceEntry[] {
    const { correlationId, traceId } = filter;
    const entries = this.entries.filter(
      (e) => (!correlationId || e.correlationIds.includes(correlationId)) && (!traceId || e.traceId === traceId),
    );
    return entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  }
}

/** One row of a waterfall: an invocation, how deep it sits under the invocation that caused it, and when it ran. */
export interface WaterfallRow extends TraceEntry {
  depth: number;
  /** Milliseconds from the first invocation's start. */
  offsetMs: number;
}

/**
 * The invocations of one order as a waterfall, the way X-Ray's trace view draws one: each under
 * the invocation that called it (by segment), in the order they started. A root is an invocation
 * nothing in the set called: an API request, a stream batch, a schedule, a webhook from outside.
 */
export function waterfall(entries: readonly TraceEntry[]): WaterfallRow[] {
  const sorted = [...entries].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const ids = new Set(sorted.map((e) => e.id));
  const children = new Map<string, TraceEntry[]>();
  const roots: TraceEntry[] = [];
  for (const entry of sorted) {
    if (entry.parentId && ids.has(entry.parentId) && entry.parentId !== entry.id) {
      children.set(entry.parentId, [...(children.get(entry.parentId) ?? []), entry]);
    } else roots.push(entry);
  }
  const start = sorted[0] ? Date.parse(sorted[0].at) : 0;
  const rows: WaterfallRow[] = [];
  const visit = (entry: TraceEntry, depth: number) => {
    rows.push({ ...entry, depth, offsetMs: Date.parse(entry.at) - start });
    for (const child of children.get(entry.id) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) visit(root, 0);
  return rows;
}

/** The waterfall as text, one invocation a line: for the demo, a terminal, a bug report. */
export function formatWaterfall(rows: readonly WaterfallRow[], width = 40): string {
  const end = Math.max(1, ...rows.map((r) => r.offsetMs + r.durationMs));
  const lines = rows.map((r) => {
    const from = Math.floor((r.offsetMs / end) * width);
    const length = Math.max(1, Math.round((r.durationMs / end) * width));
    const bar = `${' '.repeat(from)}${'█'.repeat(Math.min(length, width - from))}`.padEnd(width);
    const name = `${'  '.repeat(r.depth)}${r.service}/${r.function}`;
    const notes = [r.coldStart ? 'cold' : '', r.ok ? '' : `ERROR ${r.error ?? ''}`].filter(Boolean).join(', ');
    return `${String(r.offsetMs).padStart(6)} ms |${bar}| ${String(r.durationMs).padStart(5)} ms  ${name.padEnd(44)} ${`${r.pattern} (${r.via})`.padEnd(48)} ${notes}`.trimEnd();
  });
  return lines.join('\n');
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
