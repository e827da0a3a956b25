import { eventBusName, physicalName } from '@shop/platform';
import { LIVE_ALIAS } from './lambda-runtime';

/**
 * ARNs of the shop's resources built from their names (`physicalName`), the account and the
 * region. A service stack names another service's functions, tables, queues, topics and state
 * machines this way, so that it never needs that service's Terraform state. `functionPolicy`
 * builds the same strings for IAM.
 */
export class ShopArns {
  constructor(
    private readonly stage: string,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  name(service: string, resource: string): string {
    return physicalName(this.stage, service, resource);
  }

  function(service: string, fn: string): string {
    return `arn:aws:lambda:${this.region}:${this.accountId}:function:${this.name(service, fn)}`;
  }

  /** The function's `live` alias: what callers invoke. */
  functionAlias(service: string, fn: string): string {
    return `${this.function(service, fn)}:${LIVE_ALIAS}`;
  }

  table(service: string, table: string): string {
    return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${this.name(service, table)}`;
  }

  queue(service: string, queue: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${this.name(service, queue)}`;
  }

  queueUrl(service: string, queue: string): string {
    return `https://sqs.${this.region}.amazonaws.com/${this.accountId}/${this.name(service, queue)}`;
  }

  topic(service: string, topic: string): string {
    return `arn:aws:sns:${this.region}:${this.accountId}:${this.name(service, topic)}`;
  }

  stateMachine(service: string, machine: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${this.name(service, machine)}`;
  }

  eventBus(): string {
    return `arn:aws:events:${this.region}:${this.accountId}:event-bus/${eventBusName(this.stage)}`;
  }

  /** The SES identity e-mail is sent as: a domain or an address. */
  emailIdentity(identity: string): string {
    return `arn:aws:ses:${this.region}:${this.accountId}:identity/${identity}`;
  }
}
