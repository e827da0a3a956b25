import type { CheckoutInput } from '@shop/contracts';

/** `reported`: the state machine got the answer; `gone`: nothing waits for it any more (the window expired, or it was answered). */
export type TaskReport = 'reported' | 'gone';

/** The checkout state machine, as order-service drives it. */
export interface CheckoutStateMachine {
  /** Starts the order's execution, named after the order; `already-started` when a retry finds it running or done. */
  start(input: CheckoutInput): Promise<'started' | 'already-started'>;
  /** Whether the order's execution exists (running or ended): its checkout started, whatever the order says yet. */
  started(orderId: string): Promise<boolean>;
  succeedTask(taskToken: string, output: unknown): Promise<TaskReport>;
  failTask(taskToken: string, error: string, cause: string): Promise<TaskReport>;
}
