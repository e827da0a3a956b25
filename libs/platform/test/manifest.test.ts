import { describe, expect, it } from 'vitest';
import {
  defineService,
  FUNCTION_DEFAULTS,
  handlerPath,
  type InvokesAsyncOf,
  type InvokesOf,
  type SendsToOf,
  type StateMachinesOf,
  httpRoute,
  physicalName,
  tableEnvVar,
} from '../src';

const manifest = {
  name: 'demo-service',
  description: 'demo',
  tables: { orders: { description: 'o', partitionKey: { name: 'id', type: 'S' } } },
  functions: {
    'get-order': {
      description: 'g',
      memoryMb: 128,
      timeoutSeconds: 3,
      triggers: [{ type: 'http', method: 'GET', path: '/orders/{id}', auth: { kind: 'public' }, summary: 's', response: { status: 200 } }],
      permissions: { tables: { orders: ['GetItem'] } },
    },
    worker: { description: 'w', memoryMb: 128, timeoutSeconds: 3, triggers: [], permissions: {} },
  },
} as const;

describe('manifest', () => {
  it('derives env var, physical name and handler path by convention', () => {
    expect(tableEnvVar('products')).toBe('PRODUCTS_TABLE');
    expect(tableEnvVar('idempotencyKeys')).toBe('IDEMPOTENCY_KEYS_TABLE');
    expect(tableEnvVar('order-lines')).toBe('ORDER_LINES_TABLE');
    expect(physicalName('dev', 'product-service', 'products')).toBe('shop-dev-product-service-products');
    expect(handlerPath('create-order')).toBe('src/handlers/create-order.ts');
  });

  it('refuses a permission on a table the service does not declare', () => {
    expect(() =>
      defineService({ ...manifest, functions: { ...manifest.functions, worker: { ...manifest.functions.worker, permissions: { tables: { carts: ['GetItem'] } } } } }),
    ).toThrow(/names table "carts"/);
  });

  it('refuses a function name that is not kebab-case', () => {
    expect(() => defineService({ ...manifest, functions: { GetOrder: manifest.functions.worker } })).toThrow(/kebab-case/);
  });

  it("fills in a function's memory and timeout when its manifest leaves them out, and keeps them when it says", () => {
    const { memoryMb, timeoutSeconds, ...terse } = manifest.functions.worker;
    const service = defineService({ ...manifest, functions: { ...manifest.functions, terse } });
    expect([memoryMb, timeoutSeconds]).toEqual([128, 3]);
    expect(service.functions.terse).toMatchObject({ memoryMb: FUNCTION_DEFAULTS.memoryMb, timeoutSeconds: FUNCTION_DEFAULTS.timeoutSeconds });
    expect(service.functions.worker).toMatchObject({ memoryMb: 128, timeoutSeconds: 3 });
    expect(FUNCTION_DEFAULTS).toEqual({ memoryMb: 256, timeoutSeconds: 10 });
  });

  it("types the references a service may use by what its manifest grants (checked by the typecheck target)", () => {
    const caller = defineService({
      name: 'caller-service',
      description: 'c',
      tables: {},
      functions: {
        a: { description: 'a', triggers: [], permissions: { invokes: ['y-service/get'], sendsTo: ['caller-service/q'], stateMachines: { 'caller-service/m': ['StartExecution'] } } },
        b: { description: 'b', triggers: [], permissions: { invokes: ['z-service/put'], invokesAsync: ['w-service/note'] } },
        c: { description: 'c', triggers: [], permissions: {} },
      },
    });
    type Caller = typeof caller;
    const invokes: InvokesOf<Caller>[] = ['y-service/get', 'z-service/put'];
    // @ts-expect-error: a typo, or a function no function of the service may invoke
    const typo: InvokesOf<Caller> = 'y-service/gets';
    // @ts-expect-error: granted to invoke without waiting only
    const notSync: InvokesOf<Caller> = 'w-service/note';
    const asyncInvokes: InvokesAsyncOf<Caller>[] = ['w-service/note'];
    const queues: SendsToOf<Caller>[] = ['caller-service/q'];
    const machines: StateMachinesOf<Caller>[] = ['caller-service/m'];
    // @ts-expect-error: no function may start it
    const machine: StateMachinesOf<Caller> = 'caller-service/n';
    // What the types admit is what the manifest grants, function by function.
    expect(invokes).toEqual([...caller.functions.a.permissions.invokes, ...caller.functions.b.permissions.invokes]);
    expect(asyncInvokes).toEqual(caller.functions.b.permissions.invokesAsync);
    expect(queues).toEqual(caller.functions.a.permissions.sendsTo);
    expect(machines).toEqual(Object.keys(caller.functions.a.permissions.stateMachines));
    expect([typo, notSync, machine]).toEqual(['y-service/gets', 'w-service/note', 'caller-service/n']);
  });

  it('finds the one HTTP route of a function and refuses a function without one', () => {
    const service = defineService(manifest);
    expect(httpRoute(service, 'get-order').path).toBe('/orders/{id}');
    expect(() => httpRoute(service, 'worker')).toThrow(/0 HTTP routes/);
  });
});
