import * as z from 'zod/mini';
import { Id, IsoTimestamp } from './ids';
import { Money, MoneySum, ProviderMoney } from './money';

/**
 * What order-service tells analytics-service's stream-processor when a checkout starts, with an
 * asynchronous invoke (`InvocationType: Event`): the top of the checkout funnel. order-service does
 * not wait for it, and a retry of the same checkout tells it again; analytics counts each order once.
 */
export const CheckoutStarted = z.strictObject({
  orderId: Id,
  userId: z.string().check(z.minLength(1)),
  itemCount: z.int().check(z.minimum(1)),
  total: Money,
  startedAt: IsoTimestamp,
});
export type CheckoutStarted = z.infer<typeof CheckoutStarted>;

/** A report covers one UTC day, or one ISO week (Monday to Sunday). */
export const ReportPeriod = z.enum(['daily', 'weekly']);
export type ReportPeriod = z.infer<typeof ReportPeriod>;

/** The last day a report can be asked for. */
export const LAST_REPORT_DATE = '9998-12-31';

/** `GET /reports?period=daily|weekly&date=YYYY-MM-DD`: the day, or a day of the week, to report on; today (UTC) when absent. */
export const ReportQuery = z.strictObject({
  period: ReportPeriod,
  // A week of the last days of 9999 would end in year 10000, which no ISO date can write.
  date: z.optional(z.iso.date().check(z.refine((date) => date <= LAST_REPORT_DATE, `must be ${LAST_REPORT_DATE} or earlier`))),
});
export type ReportQuery = z.infer<typeof ReportQuery>;

const Count = z.int().check(z.minimum(0));

/**
 * How many products, and reasons, a report lists by name. A report is one DynamoDB item, at most
 * 400 KB: a catalogue of thousands of products sold in a week would not fit whole (about 110 bytes
 * a product), and a chart of them would say nothing. The rest is summed.
 */
export const REPORT_PRODUCTS_MAX = 100;
export const REPORT_REASONS_MAX = 20;

export const Report = z.object({
  period: ReportPeriod,
  /** First and last day covered, inclusive (UTC). */
  from: z.iso.date(),
  to: z.iso.date(),
  generatedAt: IsoTimestamp,
  /** The checkout funnel: checkouts started, orders placed, and how they ended. */
  orders: z.object({ started: Count, created: Count, paid: Count, cancelled: Count, paymentFailed: Count }),
  /** Paid orders per checkout started, 0–1; null when none started. */
  conversion: z.nullable(z.number().check(z.minimum(0), z.maximum(1))),
  /** What paid orders brought in, one entry per currency; a period's sum has no upper bound. */
  revenue: z.array(MoneySum),
  /** Money given back (charges that paid nothing: cancelled or expired orders, double payments), per currency. */
  refunds: z.object({ count: Count, amounts: z.array(ProviderMoney) }),
  /** Units sold per product, most first: the best-selling REPORT_PRODUCTS_MAX. */
  units: z.array(z.object({ productId: Id, name: z.string(), quantity: Count })),
  /** The products sold beyond the first REPORT_PRODUCTS_MAX, and their units; absent when none. */
  otherUnits: z.optional(z.object({ products: Count, quantity: Count })),
  /** Why orders were cancelled, and why payments failed, most first: the REPORT_REASONS_MAX most frequent of each. */
  cancellations: z.array(z.object({ reason: z.string(), count: Count })),
  paymentFailures: z.array(z.object({ reason: z.string(), count: Count })),
  /** The reasons beyond those, and how many orders they account for; absent when none. */
  otherCancellations: z.optional(z.object({ reasons: Count, count: Count })),
  otherPaymentFailures: z.optional(z.object({ reasons: Count, count: Count })),
});
export type Report = z.infer<typeof Report>;

/** What the schedule hands generate-report: the period to report on, the last complete one. */
export const ScheduledReportRequest = z.strictObject({
  period: ReportPeriod,
  /**
   * When the schedule was due (`<aws.scheduler.scheduled-time>`): the report is of the last complete
   * period before it, so a run replayed from the dead-letter queue a day later makes the day it missed.
   */
  scheduledAt: z.optional(IsoTimestamp),
});
export type ScheduledReportRequest = z.infer<typeof ScheduledReportRequest>;
