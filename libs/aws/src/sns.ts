import { SNSClient } from '@aws-sdk/client-sns';
import { clientOptions, memo } from './client-options';

export const snsClient = memo(() => new SNSClient(clientOptions));
