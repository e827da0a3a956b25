import { request as httpRequest } from 'node:http';
import { SIGNATURE_HEADER, signatureHeader } from './webhook-signature';

/** A webhook event as the provider sends it (the `ProviderEvent` of libs/contracts/src/payment.ts): a charge's outcome or a refund's. */
export type ProviderEvent =
  | {
      id: string;
      type: 'charge.succeeded' | 'charge.failed';
      /** Unix seconds. */
      created: number;
      data: { chargeId: string; orderId: string; amount: number; currency: string; failureReason?: string; metadata: Record<string, string> };
    }
  | {
      id: string;
      type: 'refund.succeeded' | 'refund.failed';
      created: number;
      data: {
        refundId: string;
        chargeId: string;
        orderId: string;
        amount: number;
        currency: string;
        failureReason?: string;
        metadata: Record<string, string>;
      };
    };

/** What became of one event's delivery; visible through `charges()` for tests and debugging. */
export interface WebhookDelivery {
  event: ProviderEvent;
  state: 'delivering' | 'delivered' | 'failed' | 'cancelled';
  /** Requests made so far: the first delivery and its retries. */
  attempts: number;
  /** When the first request was sent (ISO 8601): the end of the provider's own delay, for timing the shop's part of a checkout. */
  firstSentAt?: string;
  /** Status of the last answer, when there was one. */
  lastStatus?: number;
  /** Why the last request got no answer, when it got none. */
  lastError?: string;
}

export interface WebhookSenderOptions {
  url: string;
  secret: string;
  /** Retries after a first delivery that got no 2xx. */
  retries: number;
  retryDelayMs: number;
  /** How long one request may take before it counts as failed. */
  requestTimeoutMs: number;
  log: (line: string) => void;
}

/**
 * Delivers signed webhooks, retrying one that gets no 2xx, and cancels everything pending on
 * `stop()`. Each attempt is signed afresh with the time it is sent, as real providers do, so a
 * late retry is not refused as stale.
 */
export class WebhookSender {
  private readonly url: URL;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly requests = new Set<AbortController>();
  private readonly running = new Set<Promise<void>>();
  /** Deliveries not yet delivered or given up on, including those waiting for a retry. */
  private readonly unfinished = new Set<WebhookDelivery>();
  private stopped = false;

  constructor(private readonly options: WebhookSenderOptions) {
    this.url = new URL(options.url);
    if (this.url.protocol !== 'http:') throw new Error(`payment provider: webhookUrl must be http://, got ${options.url}`);
  }

  /** Runs `task` after `delayMs`, unless the sender stops first. */
  later(delayMs: number, task: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) task();
    }, delayMs);
    this.timers.add(timer);
  }

  /** Starts delivering `delivery.event` now; retries follow on their own. */
  deliver(delivery: WebhookDelivery): void {
    if (this.stopped) {
      delivery.state = 'cancelled';
      return;
    }
    this.unfinished.add(delivery);
    const run = this.attempt(delivery).finally(() => this.running.delete(run));
    this.running.add(run);
  }

  /** Cancels pending deliveries and retries, aborts requests in flight, and waits for them to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const controller of this.requests) controller.abort();
    await Promise.allSettled([...this.running]);
    for (const delivery of this.unfinished) delivery.state = 'cancelled';
    this.unfinished.clear();
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const { event } = delivery;
    const body = JSON.stringify(event);
    delivery.attempts += 1;
    delivery.firstSentAt ??= new Date().toISOString();
    const controller = new AbortController();
    this.requests.add(controller);
    try {
      const status = await post(this.url, body, signatureHeader(this.options.secret, body), this.options.requestTimeoutMs, controller.signal);
      delivery.lastStatus = status;
      delete delivery.lastError;
      if (status >= 200 && status < 300) {
        delivery.state = 'delivered';
        this.unfinished.delete(delivery);
        this.options.log(`webhook ${event.id} ${event.type} (order ${event.data.orderId}) → ${status}, attempt ${delivery.attempts}`);
        return;
      }
    } catch (error) {
      delete delivery.lastStatus;
      delivery.lastError = (error as Error).message;
    } finally {
      this.requests.delete(controller);
    }
    if (this.stopped) return;
    const outcome = delivery.lastStatus === undefined ? `no answer (${delivery.lastError})` : `${delivery.lastStatus}`;
    if (delivery.attempts > this.options.retries) {
      delivery.state = 'failed';
      this.unfinished.delete(delivery);
      this.options.log(`webhook ${event.id} ${event.type} → ${outcome}, attempt ${delivery.attempts}; giving up`);
      return;
    }
    this.options.log(`webhook ${event.id} ${event.type} → ${outcome}, attempt ${delivery.attempts}; retrying in ${this.options.retryDelayMs} ms`);
    this.later(this.options.retryDelayMs, () => this.deliver(delivery));
  }
}

/** One POST with node:http, no keep-alive; resolves with the status once the answer is read. */
function post(url: URL, body: string, signature: string, timeoutMs: number, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        signal,
        timeout: timeoutMs,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': 'shop-payment-provider-simulator/1',
          [SIGNATURE_HEADER]: signature,
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}
