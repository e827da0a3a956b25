import { randomUUID } from 'node:crypto';
import { type ApiAnswer, ApiClient, type AuthenticatedClient, newCustomer, signIn, verifyContacts } from '@shop/testing';
import { type CheckoutPlan, PAYMENT_METHOD_OF, type Scenario } from './scenario';

/**
 * Drives a scenario through the shop's public API as its customers and staff would, retrying what
 * a careful client retries (a 5xx, with the same Idempotency-Key) and nothing else. At most
 * `httpConcurrency` requests are in flight at once; every checkout is in flight at the same time,
 * most of them waiting for their payment.
 */

export interface DriveOptions {
  apiUrl: string;
  admin: { email: string; password: string };
  /** Requests in flight at once, across every customer. */
  httpConcurrency: number;
  /** Called when the customers are ready and the checkouts begin (the soak starts its waves of faults then). */
  onCheckoutsBegin?: () => void;
  log?: (line: string) => void;
}

/** What was made, for the invariants to look at. */
export interface DriveResult {
  productIds: string[];
  orders: { index: number; orderId: string; userId: string; email: string; kind: CheckoutPlan['kind'] }[];
  /** Checkouts that never got an order (the cart or POST /orders kept failing); the customer saw an error. */
  unplaced: { index: number; why: string }[];
  requests: number;
  answersByStatus: Record<string, number>;
}

class Limiter {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running += 1;
    try {
      return await task();
    } finally {
      this.running -= 1;
      this.waiting.shift()?.();
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const RETRYABLE = new Set([500, 502, 503, 504]);
/** How many times a customer sends a request that answers 5xx (or nothing) before giving up: 9.3 s of backoff in all. */
export const CLIENT_ATTEMPTS = 6;

export async function drive(scenario: Scenario, options: DriveOptions): Promise<DriveResult> {
  const log = options.log ?? (() => undefined);
  const limiter = new Limiter(options.httpConcurrency);
  const result: DriveResult = { productIds: [], orders: [], unplaced: [], requests: 0, answersByStatus: {} };

  /** One request through the limiter, counted; a network failure is answered as a 599. */
  const call = (send: () => Promise<ApiAnswer>): Promise<ApiAnswer> =>
    limiter.run(async () => {
      result.requests += 1;
      let answer: ApiAnswer;
      try {
        answer = await send();
      } catch (error) {
        answer = { status: 599, body: { error: { code: 'NETWORK', message: (error as Error).message } }, headers: new Headers() };
      }
      result.answersByStatus[answer.status] = (result.answersByStatus[answer.status] ?? 0) + 1;
      return answer;
    });
  /** As a careful client: a 5xx (or no answer) is tried again, the same request, a few times. */
  const retrying = async (send: () => Promise<ApiAnswer>, attempts = CLIENT_ATTEMPTS): Promise<ApiAnswer> => {
    let answer = await call(send);
    for (let attempt = 1; attempt < attempts && (RETRYABLE.has(answer.status) || answer.status === 599); attempt++) {
      await sleep(300 * 2 ** (attempt - 1));
      answer = await call(send);
    }
    return answer;
  };

  const api = new ApiClient(options.apiUrl);
  const admin = await signIn(api, options.admin.email, options.admin.password);
  for (const [i, product] of scenario.products.entries()) {
    const created = await retrying(() =>
      admin.api.post('/products', { name: `Soak item ${i} ${randomUUID().slice(0, 4)}`, price: { amount: product.price, currency: 'USD' }, stock: product.stock }),
    );
    if (created.status !== 201) throw new Error(`creating a product answered ${created.status}: ${JSON.stringify(created.body)}`);
    result.productIds.push(created.body.productId as string);
  }
  log(`${scenario.products.length} products, ${scenario.checkouts.length} checkouts, ${scenario.adjustments.length} stock adjustments`);

  // Every checkout's customer, registered and with a verified e-mail (the shop writes to no other).
  const customers = await Promise.all(
    scenario.checkouts.map(async (plan) => {
      const customer = await limiter.run(() => newCustomer(api, `Soak ${plan.index}`));
      await limiter.run(() => verifyContacts(customer.api, { email: customer.email }));
      return customer;
    }),
  );
  log(`${customers.length} customers registered and verified`);
  options.onCheckoutsBegin?.();

  const checkout = async (plan: CheckoutPlan, customer: AuthenticatedClient, userId: string, email: string) => {
    for (const line of plan.lines) {
      await retrying(() => customer.post('/cart', { productId: result.productIds[line.product], quantity: line.quantity }));
    }
    const cart = await retrying(() => customer.get('/cart'));
    if (cart.status !== 200 || !cart.body.cartId) return void result.unplaced.push({ index: plan.index, why: `GET /cart answered ${cart.status}` });
    const key = `soak-${plan.index}-${randomUUID()}`;
    const order = () => retrying(() => customer.post('/orders', { cartId: cart.body.cartId }, { headers: { 'idempotency-key': key } }));
    const answers = await Promise.all(plan.repeatOrder ? [order(), order()] : [order()]);
    const created = answers.find((a) => a.status === 201);
    if (!created) return void result.unplaced.push({ index: plan.index, why: `POST /orders answered ${answers.map((a) => a.status).join(', ')}` });
    if (answers.some((a) => a.status === 201 && a.body.orderId !== created.body.orderId)) {
      throw new Error(`one Idempotency-Key made two orders: ${answers.map((a) => a.body.orderId).join(', ')}`);
    }
    const orderId = created.body.orderId as string;
    result.orders.push({ index: plan.index, orderId, userId, email, kind: plan.kind });

    // Until the checkout reserved the stock (or ended the order), there is nothing to pay.
    let status = 'PENDING';
    for (let i = 0; i < 120 && status === 'PENDING'; i++) {
      await sleep(250);
      const read = await call(() => customer.get(`/orders/${orderId}`));
      if (read.status === 200) status = read.body.status as string;
    }
    if (status !== 'AWAITING_PAYMENT') return;

    const method = PAYMENT_METHOD_OF[plan.kind];
    const pay = () => retrying(() => customer.post('/payment/process', { orderId, paymentMethod: method }));
    const cancel = () => retrying(() => customer.post(`/orders/${orderId}/cancel`));
    /** The provider confirms the order's pending charge now (its webhook, late). */
    const settle = async () => {
      const charges = await call(() => api.get(`/_local/payments?orderId=${orderId}`));
      for (const charge of (charges.body?.charges ?? []) as { id: string; status: string }[]) {
        if (charge.status === 'pending') await call(() => api.post(`/_local/payments/charges/${charge.id}/settle`, {}));
      }
    };
    switch (plan.kind) {
      case 'cancel-then-pay':
        await cancel();
        await pay();
        break;
      case 'pay-then-cancel':
        await pay();
        await cancel();
        await settle();
        break;
      case 'late-confirmation': {
        await pay();
        // The confirmation comes once the order has expired.
        for (let i = 0; i < 600; i++) {
          await sleep(1000);
          const read = await call(() => customer.get(`/orders/${orderId}`));
          if (read.status === 200 && read.body.status !== 'AWAITING_PAYMENT') break;
        }
        await settle();
        break;
      }
      case 'race-cancel':
      case 'refund-fails-once':
        await Promise.all([pay(), cancel()]);
        break;
      default:
        await Promise.all(plan.repeatPayment ? [pay(), pay()] : [pay()]);
    }
  };

  const adjust = async (product: number, delta: number, repeat: boolean) => {
    const key = `soak-adjust-${randomUUID()}`;
    const send = () =>
      retrying(() =>
        admin.api.post(`/products/${result.productIds[product]}/stock-adjustments`, { delta, reason: 'soak: counted again' }, { headers: { 'idempotency-key': key } }),
      );
    await Promise.all(repeat ? [send(), send()] : [send()]);
  };

  await Promise.all(
    scenario.checkouts.map(async (plan, i) => {
      const customer = customers[i];
      if (!customer) return;
      // Spread the arrivals a little, as real customers do.
      await sleep(Math.floor((i / scenario.checkouts.length) * 3000));
      await checkout(plan, customer.api, customer.userId, customer.email);
      for (const adjustment of scenario.adjustments.filter((a) => a.after === plan.index)) await adjust(adjustment.product, adjustment.delta, adjustment.repeat);
    }),
  );
  return result;
}
