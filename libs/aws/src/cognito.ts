import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { clientOptions, memo } from './client-options';

export const cognitoClient = memo(() => new CognitoIdentityProviderClient(clientOptions()));
