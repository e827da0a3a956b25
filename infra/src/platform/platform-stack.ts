import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { eventBusName } from '@shop/common';
import type { Construct } from 'constructs';
import type { BuildOutputs } from '../assets/build-outputs';
import type { StageConfig } from '../config/stage-config';
import { ShopStack } from '../stacks/shop-stack';
import { httpApi } from './http-api';
import { lambdaLayers } from './lambda-layers';
import {
  isOperatorParameter,
  type PlatformParameter,
  parameterId,
  parameterName,
  PLATFORM_PARAMETERS,
  type PlatformParameterKey,
  type PlatformValueKey,
} from './platform-parameters';
import { userPool } from './user-pool';

/** The name of the platform stack, deployed before every service stack (tools/deploy-plan). */
export const PLATFORM_STACK = 'platform';

/** What operators put in the placeholder parameters; a function that reads it fails loudly. */
const PLACEHOLDER = 'set-by-operators';

/**
 * What every service shares: the HTTP API with its JWT authorizer and stage, the user pool,
 * the event bus, the two Lambda layers, the topic alarms go to, and the SSM parameters that
 * hand all of them to the service stacks.
 */
export class PlatformStack extends ShopStack {
  constructor(scope: Construct, config: StageConfig, outputs: BuildOutputs) {
    super(scope, PLATFORM_STACK, config);
    const users = userPool(this);
    const { api, authorizer } = httpApi(this, users);
    const bus = new CloudwatchEventBus(this, 'event-bus', { name: eventBusName(config.stage) });
    const layers = lambdaLayers(this, outputs);
    const alarms = new SnsTopic(this, 'alarms', { name: `shop-${config.stage}-alarms` });

    const values: Record<PlatformValueKey, string> = {
      httpApiId: api.id,
      httpApiExecutionArn: api.executionArn,
      httpApiAuthorizerId: authorizer.id,
      userPoolId: users.pool.id,
      userPoolArn: users.pool.arn,
      userPoolClientId: users.client.id,
      eventBusName: bus.name,
      eventBusArn: bus.arn,
      alarmsTopicArn: alarms.arn,
      commonUtilsLayerArn: layers['common-utils'].arn,
      authLayerArn: layers['auth-layer'].arn,
      emailFrom: config.email.from,
      emailIdentityArn: this.arns.emailIdentity(config.email.identity),
    };

    for (const key of Object.keys(PLATFORM_PARAMETERS) as PlatformParameterKey[]) {
      const parameter: PlatformParameter = PLATFORM_PARAMETERS[key];
      const common = { name: parameterName(config.stage, key), description: parameter.description };
      if (isOperatorParameter(key)) {
        // Created so that a service stack can plan on a fresh account; operators set the real value
        // (`aws ssm put-parameter --overwrite`), which Terraform then leaves alone, and redeploy the
        // services that read it. A service stack that reads a secret holds it in its state (and in
        // the function's environment): state must be encrypted, as the S3 backend here is.
        new SsmParameter(this, parameterId(key), {
          ...common,
          type: parameter.secret ? 'SecureString' : 'String',
          value: PLACEHOLDER,
          lifecycle: { ignoreChanges: ['value'] },
        });
      } else {
        new SsmParameter(this, parameterId(key), { ...common, type: 'String', value: values[key] });
      }
    }
  }
}
