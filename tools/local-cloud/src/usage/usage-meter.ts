/**
 * What the shop used of each billable AWS service while the local cloud ran, counted where the
 * local cloud sees it happen: the Lambda runtime (requests, and duration × memory), the functions'
 * log lines, the API gateway, the DynamoDB metering proxy (the capacity units DynamoDB Local reports
 * for each request), SQS sends and the batches delivered, SNS publishes, EventBridge events and
 * Step Functions state transitions. `npm run cost` prices a snapshot taken after a run of checkouts
 * less one taken before (tools/cost).
 */

export interface FunctionUsage {
  invocations: number;
  /** Σ duration rounded up to the millisecond, as Lambda bills it. */
  billedMs: number;
  memoryMb: number;
  /** What the function wrote to its log (each line and its newline), before Lambda's own START/END/REPORT lines. */
  logBytes: number;
}

export interface TableUsage {
  requests: number;
  readUnits: number;
  writeUnits: number;
}

export interface UsageSnapshot {
  at: string;
  lambda: Record<string, FunctionUsage>;
  dynamodb: Record<string, TableUsage>;
  apiRequests: number;
  sqs: { sendRequests: number; batchesDelivered: number };
  sns: { topicPublishes: number; sms: number };
  eventBridge: { events: number };
  stepFunctions: { transitions: number };
}

export interface UsageSources {
  snsPublished: () => { topic: number; sms: number };
  eventsAccepted: () => number;
  /** States entered by every execution (a Standard workflow bills each state transition). */
  stateTransitions: () => number;
}

export class UsageMeter {
  private readonly functions = new Map<string, FunctionUsage>();
  private readonly tables = new Map<string, TableUsage>();
  private apiRequests = 0;
  private readonly sqs = { sendRequests: 0, batchesDelivered: 0 };
  private sources: UsageSources = { snsPublished: () => ({ topic: 0, sms: 0 }), eventsAccepted: () => 0, stateTransitions: () => 0 };

  constructor(private readonly memoryOf: (functionName: string) => number | undefined = () => undefined) {}

  invocation(functionName: string, durationMs: number): void {
    const usage = this.function(functionName);
    usage.invocations += 1;
    usage.billedMs += Math.max(1, Math.ceil(durationMs));
  }

  logLine(functionName: string, line: string): void {
    this.function(functionName).logBytes += Buffer.byteLength(line, 'utf8') + 1;
  }

  dynamodb(table: string, units: { read?: number; write?: number }): void {
    let usage = this.tables.get(table);
    if (!usage) this.tables.set(table, (usage = { requests: 0, readUnits: 0, writeUnits: 0 }));
    usage.requests += 1;
    usage.readUnits += units.read ?? 0;
    usage.writeUnits += units.write ?? 0;
  }

  apiRequest(): void {
    this.apiRequests += 1;
  }

  sqsSend(): void {
    this.sqs.sendRequests += 1;
  }

  sqsBatchDelivered(): void {
    this.sqs.batchesDelivered += 1;
  }

  /** The parts that keep their own counts: SNS, the event bus, Step Functions. */
  attach(sources: UsageSources): void {
    this.sources = sources;
  }

  snapshot(): UsageSnapshot {
    return {
      at: new Date().toISOString(),
      lambda: Object.fromEntries([...this.functions].map(([name, usage]) => [name, { ...usage }])),
      dynamodb: Object.fromEntries([...this.tables].map(([name, usage]) => [name, { ...usage }])),
      apiRequests: this.apiRequests,
      sqs: { ...this.sqs },
      sns: { topicPublishes: this.sources.snsPublished().topic, sms: this.sources.snsPublished().sms },
      eventBridge: { events: this.sources.eventsAccepted() },
      stepFunctions: { transitions: this.sources.stateTransitions() },
    };
  }

  private function(functionName: string): FunctionUsage {
    let usage = this.functions.get(functionName);
    if (!usage) this.functions.set(functionName, (usage = { invocations: 0, billedMs: 0, memoryMb: this.memoryOf(functionName) ?? 128, logBytes: 0 }));
    return usage;
  }
}

/** What happened between two snapshots (`after` less `before`). */
export function usageBetween(before: UsageSnapshot, after: UsageSnapshot): UsageSnapshot {
  const lambda: Record<string, FunctionUsage> = {};
  for (const [name, now] of Object.entries(after.lambda)) {
    const then = before.lambda[name];
    const invocations = now.invocations - (then?.invocations ?? 0);
    const logBytes = now.logBytes - (then?.logBytes ?? 0);
    if (invocations === 0 && logBytes === 0) continue;
    lambda[name] = { invocations, billedMs: now.billedMs - (then?.billedMs ?? 0), memoryMb: now.memoryMb, logBytes };
  }
  const dynamodb: Record<string, TableUsage> = {};
  for (const [name, now] of Object.entries(after.dynamodb)) {
    const then = before.dynamodb[name];
    const requests = now.requests - (then?.requests ?? 0);
    if (requests === 0) continue;
    dynamodb[name] = { requests, readUnits: now.readUnits - (then?.readUnits ?? 0), writeUnits: now.writeUnits - (then?.writeUnits ?? 0) };
  }
  return {
    at: after.at,
    lambda,
    dynamodb,
    apiRequests: after.apiRequests - before.apiRequests,
    sqs: {
      sendRequests: after.sqs.sendRequests - before.sqs.sendRequests,
      batchesDelivered: after.sqs.batchesDelivered - before.sqs.batchesDelivered,
    },
    sns: { topicPublishes: after.sns.topicPublishes - before.sns.topicPublishes, sms: after.sns.sms - before.sns.sms },
    eventBridge: { events: after.eventBridge.events - before.eventBridge.events },
    stepFunctions: { transitions: after.stepFunctions.transitions - before.stepFunctions.transitions },
  };
}
