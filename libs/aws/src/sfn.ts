import { SFNClient } from '@aws-sdk/client-sfn';
import { clientOptions, memo } from './client-options';

export const sfnClient = memo(() => new SFNClient(clientOptions()));
