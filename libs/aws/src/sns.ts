import { SNSClient } from '@aws-sdk/client-sns';
import { deliveryClientOptions, memo } from './client-options';

/** SNS for SMS to people: retried only when throttled (deliveryClientOptions). */
export const snsClient = memo(() => new SNSClient(deliveryClientOptions()));
