import { defineService } from '@shop/common';

const PRODUCTS = 'product-service/products';
const CHECKOUT = 'checkout-orchestrator/checkout';

export const service = defineService({
  name: 'inventory-service',
  description: 'Stock for checkout: availability checks, all-or-nothing reservations, commit and release.',
  tables: {
    reservations: {
      description: 'One item per order that reserved stock: {orderId, lines, status RESERVED/COMMITTED/RELEASED, createdAt, ...}.',
      partitionKey: { name: 'orderId', type: 'S' },
    },
  },
  functions: {
    'check-availability': {
      description: 'Answers, without changing anything, whether every line of an order is listed and in stock.',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [{ type: 'invoke', callers: ['order-service/validate-order'] }],
      permissions: { foreignTables: { [PRODUCTS]: 'read' } },
    },
    'reserve-stock': {
      description: 'Takes the stock of every line of an order in one transaction, all or none; throws OutOfStock.',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [{ type: 'state-machine-task', stateMachine: CHECKOUT, states: ['ReserveStock'] }],
      // Stock lives on product-service's products table: one transaction must span both tables.
      permissions: { tables: { reservations: 'read-write' }, foreignTables: { [PRODUCTS]: 'read-write' } },
    },
    'commit-stock': {
      description: 'Makes a paid order\'s reservation final; throws ReservationReleased if it was released.',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [{ type: 'state-machine-task', stateMachine: CHECKOUT, states: ['CommitStock'] }],
      permissions: { tables: { reservations: 'read-write' } },
    },
    'release-stock': {
      description: 'Gives a reservation\'s stock back, once, when checkout fails or the order is cancelled.',
      memoryMb: 256,
      timeoutSeconds: 10,
      triggers: [
        { type: 'state-machine-task', stateMachine: CHECKOUT, states: ['ReleaseStock'] },
        { type: 'invoke', callers: ['order-service/cancel-order'] },
      ],
      permissions: { tables: { reservations: 'read-write' }, foreignTables: { [PRODUCTS]: 'read-write' } },
    },
  },
});

export type InventoryService = typeof service;
