import { DescribeExecutionCommand, SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { requireEnv } from '@shop/common';
import { stateMachineEnvVar, type StateMachinesOf } from '@shop/platform';
import { sfnClient } from '@shop/aws';
import type { CheckoutStateMachine, TaskReport } from '../domain/checkout-state-machine';
import type { OrderService } from '../service';

export const CHECKOUT_STATE_MACHINE = 'checkout-orchestrator/checkout' satisfies StateMachinesOf<OrderService>;
export const CHECKOUT_STATE_MACHINE_ENV = stateMachineEnvVar(CHECKOUT_STATE_MACHINE);

/** Errors that mean the task is over (its window expired, or it was already answered): nothing is waiting for the answer. */
const TASK_GONE = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export interface SfnCheckoutOptions {
  client?: () => SFNClient;
}

/** The checkout state machine through the Step Functions API. */
export function sfnCheckoutStateMachine(options: SfnCheckoutOptions = {}): CheckoutStateMachine {
  const client = options.client ?? sfnClient;

  async function report(send: () => Promise<unknown>): Promise<TaskReport> {
    try {
      await send();
      return 'reported';
    } catch (error) {
      if (TASK_GONE.has((error as { name?: string }).name ?? '')) return 'gone';
      throw error;
    }
  }

  return {
    async start(input) {
      try {
        await client().send(
          new StartExecutionCommand({
            stateMachineArn: requireEnv(CHECKOUT_STATE_MACHINE_ENV),
            // The order id names the execution: a second start for one order cannot happen.
            name: input.orderId,
            input: JSON.stringify(input),
          }),
        );
        return 'started';
      } catch (error) {
        if ((error as { name?: string }).name === 'ExecutionAlreadyExists') return 'already-started';
        throw error;
      }
    },
    async started(orderId) {
      // The execution's ARN is the machine's with `execution` for `stateMachine` and the order id as its name.
      const executionArn = `${requireEnv(CHECKOUT_STATE_MACHINE_ENV).replace(':stateMachine:', ':execution:')}:${orderId}`;
      try {
        await client().send(new DescribeExecutionCommand({ executionArn }));
        return true;
      } catch (error) {
        if ((error as { name?: string }).name === 'ExecutionDoesNotExist') return false;
        throw error;
      }
    },
    succeedTask: (taskToken, output) => report(() => client().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }))),
    failTask: (taskToken, error, cause) => report(() => client().send(new SendTaskFailureCommand({ taskToken, error, cause }))),
  };
}
