import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { parameterName, PLATFORM_PARAMETERS, type PlatformParameterKey, type SecretParameterKey } from '../platform/platform-parameters';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * A service stack's view of the platform: each SSM parameter it needs, read once, and only
 * those it needs, through `insecure_value`, so that plans show them (an ARN is no secret).
 * Secrets are not readable here, by type: a `data "aws_ssm_parameter"` would copy the value into
 * the stack's state, and the function's environment. Functions read them at run time instead.
 */
export class PlatformReader {
  private readonly parameters = new Map<PlatformParameterKey, DataAwsSsmParameter>();

  constructor(private readonly stack: ShopStack) {}

  value(key: Exclude<PlatformParameterKey, SecretParameterKey>): string {
    let data = this.parameters.get(key);
    if (!data) {
      data = new DataAwsSsmParameter(this.stack, `platform-${PLATFORM_PARAMETERS[key].path.replace(/\//g, '-')}`, {
        name: parameterName(this.stack.config.stage, key),
      });
      this.parameters.set(key, data);
    }
    return data.insecureValue;
  }
}
