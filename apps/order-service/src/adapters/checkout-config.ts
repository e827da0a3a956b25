import { lazyConfig } from '@shop/common';
import { PLATFORM_ENV } from '@shop/platform';
import * as z from 'zod/mini';

const [PAYMENT_WINDOW_SECONDS] = PLATFORM_ENV.checkout;

/** The platform's checkout settings (`uses: ['checkout']` in the manifest), read once at first use. */
export const checkoutConfig = lazyConfig(
  z.pipe(
    z.object({ [PAYMENT_WINDOW_SECONDS]: z.coerce.number().check(z.int(), z.minimum(1)) }),
    z.transform((env) => ({ paymentWindowSeconds: env[PAYMENT_WINDOW_SECONDS] })),
  ),
);
