import { TEST_PAYMENT_METHODS } from '@shop/contracts';

/** What the simulator does with a charge; decided by its test payment method, as real providers' test cards do. */
export type TestBehaviour = keyof typeof TEST_PAYMENT_METHODS;

const BY_TOKEN = new Map<string, TestBehaviour>(
  Object.entries(TEST_PAYMENT_METHODS).map(([behaviour, token]) => [token, behaviour as TestBehaviour]),
);

/** The behaviour of a payment method token, or `undefined` for one the simulator does not know. */
export function behaviourOf(paymentMethod: string): TestBehaviour | undefined {
  return BY_TOKEN.get(paymentMethod);
}

/** The reason a declined test charge gives, in the charge answer and in its `charge.failed` webhook. */
export const DECLINE_REASON = 'card_declined';

/** Why a refund of a `pm_card_refund_fails_once` or `pm_card_refund_fails` charge fails, in its `refund.failed` webhook. */
export const REFUND_FAILURE_REASON = 'expired_or_canceled_card';
