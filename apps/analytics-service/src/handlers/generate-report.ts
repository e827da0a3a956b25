import { httpHandler, httpOrScheduleHandler, scheduleHandler } from '@shop/common';
import { httpRoute } from '@shop/platform';
import { authorizeRoute } from '@shop/auth';
import { ScheduledReportRequest } from '@shop/contracts';
import { dynamoMetricsStore } from '../adapters/dynamodb-metrics-store';
import { dynamoReportStore } from '../adapters/dynamodb-report-store';
import { dayOf, lastCompletePeriod, periodDays } from '../domain/days';
import { buildReport } from '../domain/report';
import { service } from '../service';

const route = httpRoute(service, 'generate-report');
const metrics = dynamoMetricsStore();
const reports = dynamoReportStore();

/** `GET /reports`: the report of the period holding `date` (today by default), made now from the metrics. */
const onRequest = httpHandler(route, { authorize: authorizeRoute(route.auth) }, async ({ query }) => {
  const now = new Date();
  const days = periodDays(query.period, query.date ?? dayOf(now));
  return { status: 200, body: buildReport(query.period, days, await metrics.read(days), now) };
});

/** The schedule: the last complete day or week before the schedule was due, made and kept in the reports table. */
const onSchedule = scheduleHandler(ScheduledReportRequest, async ({ input: payload, log }) => {
  const now = new Date();
  const due = payload.scheduledAt ? new Date(payload.scheduledAt) : now;
  const days = periodDays(payload.period, lastCompletePeriod(payload.period, due));
  const report = buildReport(payload.period, days, await metrics.read(days), now);
  await reports.save(report);
  log.info({ period: report.period, from: report.from, to: report.to, orders: report.orders, revenue: report.revenue }, 'report made');
  return report;
});

/** One function, two triggers: the route and the daily and weekly schedules. */
export const handler = httpOrScheduleHandler({ http: onRequest, schedule: onSchedule });
