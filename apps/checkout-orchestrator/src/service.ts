import { defineService } from '@shop/common';

export const service = defineService({
  name: 'checkout-orchestrator',
  description: 'The checkout state machine (Step Functions): validate, reserve stock, wait for payment, commit stock, mark paid, notify; compensates every failure.',
  tables: {
    notifications: {
      description: 'One item per order: the latest notification the checkout sent about it.',
      partitionKey: { name: 'orderId', type: 'S' },
    },
  },
  stateMachines: {
    checkout: {
      description: 'Takes a PENDING order to PAID, or releases its stock and ends it CANCELLED or PAYMENT_FAILED with a reason.',
      definition: 'src/checkout.asl.json',
    },
  },
  functions: {
    notify: {
      description: 'Checkout step Notify: records that the customer was notified of the paid order.',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [{ type: 'state-machine-task', stateMachine: 'checkout-orchestrator/checkout', states: ['Notify'] }],
      permissions: { tables: { notifications: 'write' } },
    },
  },
});

export type CheckoutOrchestratorService = typeof service;
