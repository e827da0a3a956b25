import { CloudwatchEventBus } from '@cdktf/provider-aws/lib/cloudwatch-event-bus';
import { SsmParameter } from '@cdktf/provider-aws/lib/ssm-parameter';
import { eventBusName, PARAMETER_PLACEHOLDER, type ServiceManifest } from '@shop/platform';
import type { Construct } from 'constructs';
import type { BuildOutputs } from '../assets/build-outputs';
import type { StageConfig } from '../config/stage-config';
import { alarmsTopic, platformMonitoring } from '../monitoring/platform-monitoring';
import { ShopStack } from '../stacks/shop-stack';
import { apiFallbackFunction } from './api-fallback-function';
import { emailSending } from './email-sending';
import { httpApi } from './http-api';
import { lambdaLayers } from './lambda-layers';
import { paymentSecretsKey } from './payment-secrets-key';
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
import { webHosting } from './web-hosting';

/** The name of the platform stack, deployed before every service stack (tools/deploy-plan). */
export const PLATFORM_STACK = 'platform';

/**
 * What every service shares: the HTTP API with its JWT authorizer, stage, CORS and `$default`
 * route; the user pool; the event bus; the two Lambda layers; the SES identity and configuration
 * set; the storefront's bucket and CloudFront distribution; the alarms topic and the API's alarms
 * and the checkout dashboard; and the SSM parameters that hand all of them to the other stacks.
 * Its outputs are what people and the pipeline read after a deploy: the API and web URLs, the
 * user pool and client ids, the DKIM records to put in DNS.
 */
export class PlatformStack extends ShopStack {
  constructor(scope: Construct, config: StageConfig, manifests: readonly ServiceManifest[], outputs: BuildOutputs) {
    super(scope, PLATFORM_STACK, config);
    const users = userPool(this);
    const web = webHosting(this);
    const http = httpApi(this, users, web.url);
    apiFallbackFunction(this, http, manifests, outputs);
    const bus = new CloudwatchEventBus(this, 'event-bus', { name: eventBusName(config.stage) });
    const layers = lambdaLayers(this, outputs);
    const email = emailSending(this);
    const alarms = alarmsTopic(this);
    platformMonitoring(this, alarms.arn, http.api);
    const secretsKey = paymentSecretsKey(this);

    const values: Record<PlatformValueKey, string> = {
      httpApiId: http.api.id,
      httpApiUrl: http.api.apiEndpoint,
      httpApiExecutionArn: http.api.executionArn,
      httpApiAuthorizerId: http.authorizer.id,
      userPoolId: users.pool.id,
      userPoolArn: users.pool.arn,
      userPoolClientId: users.client.id,
      eventBusName: bus.name,
      eventBusArn: bus.arn,
      alarmsTopicArn: alarms.arn,
      commonUtilsLayerArn: layers['common-utils'].arn,
      authLayerArn: layers['auth-layer'].arn,
      webBucketName: web.bucket.bucket,
      webUrl: web.url,
      emailFrom: config.email.from,
      emailIdentityArn: email.identity.arn,
      paymentSecretsKeyArn: secretsKey.arn,
    };

    for (const key of Object.keys(PLATFORM_PARAMETERS) as PlatformParameterKey[]) {
      const parameter: PlatformParameter = PLATFORM_PARAMETERS[key];
      const common = { name: parameterName(config.stage, key), description: parameter.description };
      if (isOperatorParameter(key)) {
        // Created so that a service stack can plan on a fresh account; operators set the real value
        // (`aws ssm put-parameter --overwrite`), which Terraform then leaves alone. A secret is read
        // by its functions at run time, so a new value takes effect within their cache's max age,
        // with no deploy (apps/payment-service/README.md); no service stack reads its value.
        // A secret's placeholder is write-only (Terraform ≥ 1.11): Terraform sends it once and keeps
        // neither it nor the operator's real value in state or plans. Bump `valueWoVersion` only to
        // write the placeholder again, which overwrites the real secret. Its `key_id` is left alone
        // too: SSM reports the key as the operator's put-parameter named it (the alias, in
        // docs/deploying.md), and a plan that "corrected" it back to the ARN would put the parameter
        // again, with the write-only value Terraform no longer has.
        new SsmParameter(
          this,
          parameterId(key),
          parameter.secret
            ? { ...common, type: 'SecureString', keyId: secretsKey.arn, valueWo: PARAMETER_PLACEHOLDER, valueWoVersion: 1, lifecycle: { ignoreChanges: ['key_id'] } }
            : { ...common, type: 'String', value: PARAMETER_PLACEHOLDER, lifecycle: { ignoreChanges: ['value'] } },
        );
      } else {
        new SsmParameter(this, parameterId(key), { ...common, type: 'String', value: values[key] });
      }
    }

    this.output('api_url', http.api.apiEndpoint, 'Base URL of the shop HTTP API');
    this.output('web_url', web.url, "The storefront's URL");
    this.output('user_pool_id', users.pool.id, 'The Cognito user pool (npm run make-admin reads it from SSM)');
    this.output('user_pool_client_id', users.client.id, 'The app client the API and the storefront sign in with');
    this.output('alarms_topic_arn', alarms.arn, 'The SNS topic every alarm tells');
    this.output('email_dkim_records', email.dkimRecords, `DNS records that verify ${config.email.identity} for SES (Easy DKIM)`);
  }
}
