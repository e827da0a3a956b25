/**
 * Faults injected on purpose, while the local cloud runs (`/_local/faults`): what the soak and the
 * end-to-end tests make happen to prove that no money or stock is lost when parts of the cloud
 * misbehave. Faults are off unless asked for; each fires a given number of times, then is spent.
 *
 * | kind | target | what happens |
 * |---|---|---|
 * | `function-error` | `service/function` | the function's next invocations fail at once (`InjectedFault`), as a handler that throws |
 * | `function-timeout` | `service/function` | the handler runs, and the instance is killed `afterMs` into it: `Sandbox.Timedout`, its work half done |
 * | `function-crash` | `service/function` | as a timeout, but the runtime dies: `Runtime.ExitError` |
 * | `queue-send-fail` | `service/queue` | SendMessage to the queue answers 500 (`InternalFailure`) |
 * | `queue-send-hang` | `service/queue` | SendMessage to the queue gets no answer for `delayMs` (the client's timeout ends it) |
 * | `email-send-fail` | – | SES SendEmail answers 500 (`InternalFailure`) and sends nothing; the shop's delivery clients do not retry a 5xx (no e-mail may go twice), so one fails one send |
 * | `execution-start-fail` | – | StartExecution answers 500 (`InternalFailure`) and starts nothing; the SDK tries 3 times, so arm 3 to fail a call |
 * | `provider-5xx` | – | the payment provider answers 503 before doing anything |
 * | `provider-key-in-use` | – | the provider answers a POST 409 `idempotency_key_in_use` before doing anything, as Stripe does while another request with the same idempotency key is still in progress |
 * | `provider-timeout` | – | the provider does the request, and answers only after `delayMs` (the client has given up and retries) |
 * | `webhook-duplicate` | – | the provider sends the next webhooks twice |
 * | `webhook-late` | – | the provider sends the next webhooks `delayMs` late |
 * | `webhook-reorder` | – | the provider holds each of the next webhooks back a random time up to `delayMs`, so they arrive out of order |
 * | `dynamodb-pause` | – | DynamoDB Local stops for `delayMs` (SIGSTOP, then SIGCONT); fires once per injection |
 */
export const FAULT_KINDS = [
  'function-error',
  'function-timeout',
  'function-crash',
  'queue-send-fail',
  'queue-send-hang',
  'email-send-fail',
  'execution-start-fail',
  'provider-5xx',
  'provider-key-in-use',
  'provider-timeout',
  'webhook-duplicate',
  'webhook-late',
  'webhook-reorder',
  'dynamodb-pause',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const TARGETED: ReadonlySet<FaultKind> = new Set(['function-error', 'function-timeout', 'function-crash', 'queue-send-fail', 'queue-send-hang']);

export interface FaultSpec {
  kind: FaultKind;
  /** `service/function` or `service/queue`, for the kinds that have one. */
  target?: string;
  /** How many times it fires; 1 by default. */
  count?: number;
  /** How long a delay, hang or pause lasts, or how far into a handler it is killed. */
  delayMs?: number;
}

export interface ActiveFault extends Required<Pick<FaultSpec, 'kind' | 'count'>> {
  id: number;
  target?: string;
  delayMs?: number;
  fired: number;
}

export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

const DEFAULT_DELAY_MS: Partial<Record<FaultKind, number>> = {
  'function-timeout': 50,
  'function-crash': 50,
  'queue-send-hang': 8_000,
  'provider-timeout': 6_000,
  'webhook-late': 5_000,
  'webhook-reorder': 3_000,
  'dynamodb-pause': 3_000,
};

/** The faults armed now, and how many of each kind fired so far. */
export class FaultInjector {
  private readonly active: ActiveFault[] = [];
  private readonly firedByKind = new Map<FaultKind, number>();
  private nextId = 1;

  /**
   * `targets` are the functions and queues the cloud runs (`service/name`): a fault aimed at
   * anything else would never fire, so arming one is refused, naming the typo.
   */
  constructor(
    private readonly onArm: (fault: ActiveFault) => void = () => undefined,
    private readonly targets?: { functions: ReadonlySet<string>; queues: ReadonlySet<string> },
  ) {}

  /** Arms a fault; throws FaultSpecError naming what is wrong with the spec. */
  add(spec: FaultSpec): ActiveFault {
    if (!(FAULT_KINDS as readonly string[]).includes(spec.kind)) throw new FaultSpecError(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    if (TARGETED.has(spec.kind) && !/^[a-z0-9-]+\/[a-z0-9-]+$/.test(spec.target ?? '')) {
      throw new FaultSpecError(`${spec.kind} needs a target: service/${spec.kind.startsWith('queue') ? 'queue' : 'function'}`);
    }
    if (!TARGETED.has(spec.kind) && spec.target !== undefined) throw new FaultSpecError(`${spec.kind} takes no target`);
    if (spec.target !== undefined && this.targets) {
      const known = spec.kind.startsWith('queue') ? this.targets.queues : this.targets.functions;
      if (!known.has(spec.target)) throw new FaultSpecError(`${spec.kind}: no ${spec.kind.startsWith('queue') ? 'queue' : 'function'} ${spec.target} in this cloud`);
    }
    const count = spec.count ?? 1;
    if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new FaultSpecError('count must be a whole number 1–10000');
    if (spec.kind === 'dynamodb-pause' && count !== 1) throw new FaultSpecError('dynamodb-pause fires once per injection: count must be 1');
    const delayMs = spec.delayMs ?? DEFAULT_DELAY_MS[spec.kind];
    if (delayMs !== undefined && (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > 120_000)) throw new FaultSpecError('delayMs must be 0–120000');
    const fault: ActiveFault = {
      id: this.nextId++,
      kind: spec.kind,
      count,
      fired: 0,
      ...(spec.target !== undefined && { target: spec.target }),
      ...(delayMs !== undefined && { delayMs }),
    };
    this.active.push(fault);
    this.onArm(fault);
    return fault;
  }

  /**
   * The fault of this kind (and target) to fire now, if one is armed: it counts as fired, and is
   * spent after its count.
   */
  take(kind: FaultKind, target?: string): ActiveFault | undefined {
    const fault = this.active.find((f) => f.kind === kind && (f.target === undefined || f.target === target));
    if (!fault) return undefined;
    fault.fired += 1;
    this.firedByKind.set(kind, (this.firedByKind.get(kind) ?? 0) + 1);
    if (fault.fired >= fault.count) this.active.splice(this.active.indexOf(fault), 1);
    return { ...fault };
  }

  /** Disarms every fault still armed (the counts of what fired stay). */
  clear(): void {
    this.active.length = 0;
  }

  armed(): ActiveFault[] {
    return this.active.map((f) => ({ ...f }));
  }

  /** How many times each kind fired since the local cloud started. */
  fired(): Record<string, number> {
    return Object.fromEntries(this.firedByKind);
  }
}

/** Parses a `/_local/faults` body: one spec or a list of them. */
export function parseFaultSpecs(body: unknown): FaultSpec[] {
  const list = Array.isArray(body) ? body : [body];
  return list.map((item, i) => {
    if (typeof item !== 'object' || item === null) throw new FaultSpecError(`fault ${i}: must be an object {kind, target?, count?, delayMs?}`);
    const { kind, target, count, delayMs, ...rest } = item as Record<string, unknown>;
    if (Object.keys(rest).length > 0) throw new FaultSpecError(`fault ${i}: unknown field ${Object.keys(rest).join(', ')}`);
    return {
      kind: kind as FaultKind,
      ...(target !== undefined && { target: String(target) }),
      ...(count !== undefined && { count: count as number }),
      ...(delayMs !== undefined && { delayMs: delayMs as number }),
    };
  });
}
