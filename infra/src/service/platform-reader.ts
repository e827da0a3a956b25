import { DataAwsSsmParameter } from '@cdktf/provider-aws/lib/data-aws-ssm-parameter';
import { parameterName, PLATFORM_PARAMETERS, type PlatformParameter, type PlatformParameterKey } from '../platform/platform-parameters';
import type { ShopStack } from '../stacks/shop-stack';

/**
 * A service stack's view of the platform: each SSM parameter it needs, read once, and only
 * those it needs. Plain values come through `insecure_value`, so that plans show them (an ARN is
 * no secret); a secret through `value`, which Terraform keeps out of plan output.
 */
export class PlatformReader {
  private readonly parameters = new Map<PlatformParameterKey, DataAwsSsmParameter>();

  constructor(private readonly stack: ShopStack) {}

  value(key: PlatformParameterKey): string {
    const parameter: PlatformParameter = PLATFORM_PARAMETERS[key];
    let data = this.parameters.get(key);
    if (!data) {
      data = new DataAwsSsmParameter(this.stack, `platform-${parameter.path.replace(/\//g, '-')}`, {
        name: parameterName(this.stack.config.stage, key),
        ...(parameter.secret && { withDecryption: true }),
      });
      this.parameters.set(key, data);
    }
    return parameter.secret ? data.value : data.insecureValue;
  }
}
