/**
 * The payment provider simulator's test payment methods (libs/contracts TEST_PAYMENT_METHODS): the
 * token decides the outcome, as a real provider's test cards do. A real shop gets a token from
 * the provider's own card form instead.
 */
export const PAYMENT_METHODS = [
  { token: 'pm_card_approve', label: 'Test card: approved', detail: 'The payment goes through.' },
  { token: 'pm_card_decline', label: 'Test card: declined', detail: 'The bank declines it; the order fails and its items go back on the shelf.' },
  {
    token: 'pm_card_error_then_approve',
    label: 'Test card: fails once, then approved',
    detail: 'The provider errs once; the shop retries and the payment goes through.',
  },
  {
    token: 'pm_card_no_answer',
    label: 'Test card: no answer',
    detail: 'The provider never confirms; when the time to pay runs out, the order fails.',
  },
] as const;

export type PaymentMethodToken = (typeof PAYMENT_METHODS)[number]['token'];
