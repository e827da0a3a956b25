import { defineService } from '@shop/platform';

export const service = defineService({
  name: 'checkout-orchestrator',
  description: 'The checkout state machine (Step Functions): validate, reserve stock, wait for payment, commit stock, mark paid; compensates every failure.',
  tables: {},
  stateMachines: {
    checkout: {
      description: 'Takes a PENDING order to PAID, or releases its stock and ends it CANCELLED or PAYMENT_FAILED with a reason.',
      definition: 'src/checkout.asl.json',
    },
  },
  functions: {},
});

export type CheckoutOrchestratorService = typeof service;
