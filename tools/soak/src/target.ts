import type { LocalCloud } from '@shop/local-cloud';

/** The local cloud a soak drives: its API, and the emulators it reads the truth from. */
export interface SoakTarget {
  apiUrl: string;
  stage: string;
  dynamodbEndpoint: string;
  sqsEndpoint: string;
  stepFunctionsEndpoint: string;
  checkoutStateMachineArn: string;
  admin: { email: string; password: string };
  /** How long an order waits for its payment: the soak waits that long for the last expiries. */
  paymentWindowSeconds: number;
}

/** The target a started local cloud offers. */
export function soakTarget(cloud: LocalCloud, paymentWindowSeconds: number): SoakTarget {
  if (!cloud.seeded) throw new Error('the local cloud was started without its seeded accounts');
  return {
    apiUrl: cloud.apiUrl,
    stage: cloud.stage,
    dynamodbEndpoint: cloud.endpoints.dynamodb,
    sqsEndpoint: cloud.endpoints.sqs,
    stepFunctionsEndpoint: cloud.endpoints.stepFunctions,
    checkoutStateMachineArn: cloud.stateMachineArn('checkout-orchestrator', 'checkout'),
    admin: cloud.seeded.admin,
    paymentWindowSeconds,
  };
}
