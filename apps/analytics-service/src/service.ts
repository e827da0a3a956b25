import { defineService } from '@shop/platform';
import { Report, ReportQuery } from '@shop/contracts';

const FAILED_EVENTS = 'analytics-service/failed-events';

export const service = defineService({
  name: 'analytics-service',
  description: 'The checkout funnel and daily sales figures, kept from order events, and the daily and weekly reports made of them.',
  tables: {
    'daily-metrics': {
      description: 'One item per UTC day and metric (orders#paid, revenue#USD, units#<productId>, cancelled-because#<reason>, …) holding its running count, or one item per shard of 8 for the metrics every order adds to (orders#paid#0 … #7).',
      partitionKey: { name: 'day', type: 'S' },
      sortKey: { name: 'metric', type: 'S' },
    },
    'processed-events': {
      description: 'The id of every event counted, so that a redelivery counts nothing twice; expires after 30 days.',
      partitionKey: { name: 'eventId', type: 'S' },
      ttlAttribute: 'expiresAt',
    },
    reports: {
      description: 'The reports the schedule made: one item per period and first day.',
      partitionKey: { name: 'period', type: 'S' },
      sortKey: { name: 'from', type: 'S' },
    },
  },
  deadLetterQueues: {
    'failed-events': {
      description: 'Events and checkout notices analytics could not count after Lambda retried them (a detail that fails its schema, an unknown event type), with the error.',
    },
    'failed-reports': {
      description: 'Scheduled report runs that still failed after their retries, with the error.',
    },
  },
  functions: {
    'stream-processor': {
      description: 'Counts a started checkout (the top of the funnel) when create-order tells it, without holding the order up.',
      triggers: [{ type: 'invoke', callers: ['order-service/create-order'] }],
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: FAILED_EVENTS },
      permissions: { tables: { 'daily-metrics': ['UpdateItem'], 'processed-events': ['PutItem'] } },
    },
    'analytics-writer': {
      description: 'Counts each order event once into the daily metrics: orders placed, paid, cancelled and why, revenue, units per product.',
      triggers: [
        {
          type: 'event-rule',
          rule: 'order-events',
          description: 'Every order event on the bus, today and as new ones are added: an event analytics does not know yet lands in failed-events, not nowhere.',
          pattern: { source: ['shop.orders'], 'detail-type': [{ prefix: 'Order' }] },
        },
      ],
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: FAILED_EVENTS },
      permissions: { tables: { 'daily-metrics': ['UpdateItem'], 'processed-events': ['PutItem'] } },
    },
    'generate-report': {
      description: 'Makes the daily or weekly report from the metrics: on demand for ADMIN and MANAGER, and on a schedule for the last complete period, which it keeps.',
      timeoutSeconds: 15,
      triggers: [
        {
          type: 'http',
          method: 'GET',
          path: '/reports',
          auth: { kind: 'signed-in', roles: ['ADMIN', 'MANAGER'] },
          summary: 'The daily or weekly sales report (ADMIN, MANAGER)',
          request: { query: ReportQuery },
          response: { status: 200, body: Report },
          errors: [403],
        },
        { type: 'schedule', schedule: 'daily-report', description: "Yesterday's report, each day at 00:15 UTC.", expression: 'cron(15 0 * * ? *)', input: { period: 'daily', scheduledAt: '<aws.scheduler.scheduled-time>' } },
        { type: 'schedule', schedule: 'weekly-report', description: "Last week's report, each Monday at 00:30 UTC.", expression: 'cron(30 0 ? * MON *)', input: { period: 'weekly', scheduledAt: '<aws.scheduler.scheduled-time>' } },
      ],
      asyncInvoke: { maximumRetryAttempts: 2, onFailure: 'analytics-service/failed-reports' },
      permissions: { tables: { 'daily-metrics': ['Query'], reports: ['PutItem'] } },
    },
  },
});

export type AnalyticsService = typeof service;
