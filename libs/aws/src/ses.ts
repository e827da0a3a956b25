import { SESv2Client } from '@aws-sdk/client-sesv2';
import { clientOptions, memo } from './client-options';

export const sesClient = memo(() => new SESv2Client(clientOptions));
