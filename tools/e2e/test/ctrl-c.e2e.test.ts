import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { TEST_PAYMENT_METHODS } from '@shop/contracts';
import { ApiClient, commandLine, descendantProcesses, newCustomer, signIn } from '@shop/testing';
import { findRepoRoot } from '@shop/platform';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * Ctrl-C on `npm start` leaves nothing behind, within 5 s, even while checkouts are in flight:
 * no DynamoDB Local (Java), no cognito-local, no Lambda worker, no port still held. The test runs
 * `npm start` as a terminal would, in its own process group, and sends SIGINT to that group, as
 * the terminal does on Ctrl-C.
 */

const STOP_BUDGET_MS = 5_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Alive and not a zombie waiting for its parent to read its exit status. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return false;
  }
}

let shop: ChildProcess | undefined;
let started: number[] = [];
afterAll(async () => {
  // Only if the test failed half-way: nothing of this shop may outlive the suite. The emulators
  // run in process groups of their own, so each is killed by its pid, not through npm's group.
  if (shop?.pid && running(shop.pid)) {
    process.kill(-shop.pid, 'SIGINT');
    await new Promise((resolve) => setTimeout(resolve, STOP_BUDGET_MS));
  }
  for (const pid of started.filter(running)) process.kill(pid, 'SIGKILL');
});

describe('Ctrl-C on npm start', () => {
  it('stops every process it started within 5 s, while checkouts are in flight', async () => {
    const port = await freePort();
    shop = spawn('npm', ['start', '--', '--port', String(port), '--payment-window', '60'], {
      cwd: findRepoRoot(),
      detached: true, // its own process group, as a terminal's foreground job
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    let output = '';
    shop.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    shop.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => shop?.on('exit', (code) => resolve(code)));

    await expect.poll(() => output, { timeout: 150_000, interval: 500 }).toMatch(/Ctrl-C stops everything/);
    const api = new ApiClient(`http://127.0.0.1:${port}`);
    const [, email, password] = /Accounts\s+(\S+) \/ (\S+)/.exec(output) ?? [];
    const admin = await signIn(api, email ?? '', password ?? '');

    // Checkouts in flight: orders waiting for their payment, payments being confirmed, orders being placed.
    const product = await admin.api.post('/products', { name: 'Stop test', price: { amount: 900, currency: 'USD' }, stock: 20 });
    expect(product.status).toBe(201);
    const customers = await Promise.all(Array.from({ length: 4 }, () => newCustomer(api)));
    const pending: Promise<unknown>[] = [];
    for (const [i, customer] of customers.entries()) {
      expect((await customer.api.post('/cart', { productId: product.body.productId, quantity: 1 })).status).toBe(200);
      const cart = await customer.api.get('/cart');
      const order = await customer.api.post('/orders', { cartId: cart.body.cartId }, { headers: { 'idempotency-key': `stop-${i}-${Date.now()}` } });
      expect(order.status).toBe(201);
      const method = i % 2 === 0 ? TEST_PAYMENT_METHODS.approve : TEST_PAYMENT_METHODS.noAnswer;
      pending.push(customer.api.post('/payment/process', { orderId: order.body.orderId, paymentMethod: method }).catch(() => undefined));
    }

    started = descendantProcesses(shop.pid as number);
    const names = started.map(commandLine).join('\n');
    expect(names).toMatch(/java/); // DynamoDB Local
    expect(names).toMatch(/cognito-local/);
    expect(names).toMatch(/local-cloud\/src\/cli\.ts/); // the cloud itself; its Lambda workers are threads inside it

    const sentAt = Date.now();
    process.kill(-(shop.pid as number), 'SIGINT');
    const code = await exited;
    await expect
      .poll(() => started.filter(running).map((pid) => `${pid} ${commandLine(pid)}`), { timeout: STOP_BUDGET_MS, interval: 100 })
      .toEqual([])
      .catch((error: unknown) => {
        // What npm start said as it stopped is the first thing to read when this fails.
        console.error(`[ctrl-c] npm start exited ${code}; its output after Ctrl-C:\n${output.slice(output.lastIndexOf('stopping…'))}`);
        throw error;
      });
    const stoppedMs = Date.now() - sentAt;
    console.log(`[ctrl-c] ${started.length} processes stopped in ${stoppedMs} ms; npm start exited ${code}`);
    console.log(output.slice(output.lastIndexOf('stopping…')).trim());
    expect(stoppedMs).toBeLessThan(STOP_BUDGET_MS);
    expect(output).toMatch(/\nstopped\n/);
    expect(output).not.toMatch(/stopping failed/);
    await Promise.allSettled(pending);
    // The port is free again: nothing listens on it.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', resolve));
    await new Promise((resolve) => probe.close(resolve));
  }, 240_000);
});
