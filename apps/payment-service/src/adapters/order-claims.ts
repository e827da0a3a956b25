import { type FunctionInvoker, lambdaFunctionInvoker } from '@shop/aws';
import { type BeginPaymentRequest, BeginPaymentResponse, type ReleasePaymentClaimRequest, ReleasePaymentClaimResponse } from '@shop/contracts';
import type { InvokesOf } from '@shop/platform';
import type { PaymentService } from '../service';

/** order-service's begin-payment (manifest: invokes), which claims an order for one charge. */
export const BEGIN_PAYMENT = 'order-service/begin-payment' satisfies InvokesOf<PaymentService>;
/** order-service's release-payment-claim (manifest: invokes), which ends a claim whose charge the provider refused. */
export const RELEASE_PAYMENT_CLAIM = 'order-service/release-payment-claim' satisfies InvokesOf<PaymentService>;

export interface OrderClaims {
  /** Claims the order for a charge; throws `InvokedFunctionError` named by PAYMENT_CLAIM_ERRORS when it may not be charged. */
  begin(request: BeginPaymentRequest, correlationId: string): Promise<BeginPaymentResponse>;
  /** Ends a claim whose charge the provider refused without making one; answers whether it did. */
  release(request: ReleasePaymentClaimRequest, correlationId: string): Promise<ReleasePaymentClaimResponse>;
}

export function lambdaOrderClaims(invoker: FunctionInvoker = lambdaFunctionInvoker()): OrderClaims {
  return {
    begin: (request, correlationId) => invoker.invoke(BEGIN_PAYMENT, { ...request }, BeginPaymentResponse, correlationId),
    release: (request, correlationId) => invoker.invoke(RELEASE_PAYMENT_CLAIM, { ...request }, ReleasePaymentClaimResponse, correlationId),
  };
}
