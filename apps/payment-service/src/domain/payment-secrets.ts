import { HttpError } from '@shop/common';

/**
 * The payment provider's two secrets, read when first needed rather than from the environment:
 * the API key the shop calls the provider with, and the key of the HMAC the provider signs its
 * webhooks with. An implementation may cache them, so a rotated value takes effect within its
 * cache's lifetime, not at once.
 */
export interface PaymentSecrets {
  apiKey(): Promise<string>;
  webhookSecret(): Promise<string>;
}

/**
 * A secret could not be read (the store did not answer, refused us, or has no such parameter).
 * It is the shop's fault and may pass: 503, so that the provider retries its webhook and a
 * customer may pay again shortly. Never a 401: the provider's signature was not even checked.
 * The message and cause name the parameter, never a value.
 */
export class PaymentSecretUnavailableError extends HttpError {
  constructor(
    readonly parameterName: string,
    cause: unknown,
  ) {
    super(503, 'SERVICE_UNAVAILABLE', 'Payments cannot be handled right now; please try again shortly', undefined, { 'retry-after': '5' });
    this.cause = new Error(`could not read the SSM parameter ${parameterName}`, { cause });
  }
}
