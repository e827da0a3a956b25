import { LambdaClient } from '@aws-sdk/client-lambda';
import { clientOptions, memo } from './client-options';

export const lambdaClient = memo(() => new LambdaClient(clientOptions));
