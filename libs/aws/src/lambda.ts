import { LambdaClient } from '@aws-sdk/client-lambda';
import { invokeClientOptions, memo } from './client-options';

export const lambdaClient = memo(() => new LambdaClient(invokeClientOptions()));
