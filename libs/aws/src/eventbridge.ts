import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { clientOptions, memo } from './client-options';

export const eventBridgeClient = memo(() => new EventBridgeClient(clientOptions()));
