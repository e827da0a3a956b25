import { Id } from '@shop/domain';
import * as z from 'zod';

/** What the Notify step is told: which order, and what happened to it. */
export const NotifyRequest = z.strictObject({
  orderId: Id,
  event: z.enum(['OrderPaid']),
});
export type NotifyRequest = z.infer<typeof NotifyRequest>;

/** A notification as the notifications table records it. */
export interface NotificationRecord {
  orderId: string;
  event: NotifyRequest['event'];
  notifiedAt: string;
  correlationId: string;
}

/** Where notifications are recorded. */
export interface NotificationLog {
  record(notification: NotificationRecord): Promise<void>;
}
