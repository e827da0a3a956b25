import { SESv2Client } from '@aws-sdk/client-sesv2';
import { deliveryClientOptions, memo } from './client-options';

/** SES for e-mail to people: retried only when throttled (deliveryClientOptions). */
export const sesClient = memo(() => new SESv2Client(deliveryClientOptions()));
