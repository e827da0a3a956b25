import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions, memo } from './client-options';

export const sqsClient = memo(() => new SQSClient(clientOptions()));
