import type { IncomingHttpHeaders } from 'node:http';
import { type AccessRequest, evaluatePolicy, type PolicyDocument } from '@shop/platform';

/**
 * IAM for the local cloud: every call a function makes to an emulator (DynamoDB, Lambda, SQS, SNS,
 * SES, EventBridge, Step Functions, Parameter Store, Cognito) is judged against the policy infra
 * attaches to that function's role, rendered from the same manifest (`functionPolicy`), and
 * refused as AWS refuses it. So a call the deployed policy would refuse fails here first, in the
 * end-to-end suite, not on the first deploy (decision 130).
 *
 * A function is known by its access key: the local cloud gives each one its own
 * (`functionAccessKeyId`), as Lambda gives each role its own session. Requests signed with any
 * other key (tests, `npm start`'s console, the local cloud's own clients) are an administrator's
 * and pass.
 */

/**
 * The access key of a function's credentials in the local cloud, made from its physical name:
 * `shop-local-cart-service-add-to-cart` → `LOCALShopLocalCartServiceAddToCart`. Letters and digits
 * only, as DynamoDB Local requires of a key (it answers UnrecognizedClientException otherwise).
 */
export function functionAccessKeyId(physicalFunctionName: string): string {
  return `LOCAL${physicalFunctionName
    .split(/[^A-Za-z0-9]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('')}`;
}

/** A call IAM refused, for the suite to fail on: the local cloud's own functions should never make one. */
export interface Denial {
  at: string;
  /** The physical function name. */
  caller: string;
  action: string;
  resource: string;
  message: string;
}

/** What an emulator asks before it serves a call; `undefined` means allowed. */
export interface Authorizer {
  /** Whether a request signed this way is judged (a function's), or passes (anyone else's): an emulator reads the body only for the first. */
  judges(headers: IncomingHttpHeaders): boolean;
  deny(headers: IncomingHttpHeaders, requests: readonly AccessRequest[]): string | undefined;
}

/** Lets everything through: an emulator started on its own, without the local cloud's functions. */
export const ALLOW_ALL: Authorizer = { judges: () => false, deny: () => undefined };

const CREDENTIAL = /Credential=([^/,\s]+)\//;

/** The access key that signed a request (SigV4's `Authorization: AWS4-HMAC-SHA256 Credential=<key>/...`). */
export function accessKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers['authorization'];
  return typeof authorization === 'string' ? CREDENTIAL.exec(authorization)?.[1] : undefined;
}

export class LocalIam implements Authorizer {
  private readonly roles = new Map<string, { name: string; policy: PolicyDocument }>();
  private readonly refused: Denial[] = [];

  constructor(
    private readonly accountId: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /** Gives the function whose credentials carry `accessKeyId` this policy. */
  register(accessKeyId: string, functionName: string, policy: PolicyDocument): void {
    this.roles.set(accessKeyId, { name: functionName, policy });
  }

  judges(headers: IncomingHttpHeaders): boolean {
    const key = accessKeyOf(headers);
    return key !== undefined && this.roles.has(key);
  }

  /**
   * `undefined` when the caller may make every one of `requests`; otherwise AWS's message for the
   * first it may not, which is also kept in `denials` and logged.
   */
  deny(headers: IncomingHttpHeaders, requests: readonly AccessRequest[]): string | undefined {
    const key = accessKeyOf(headers);
    const role = key === undefined ? undefined : this.roles.get(key);
    if (!role) return undefined;
    for (const request of requests) {
      const decision = evaluatePolicy(role.policy, request);
      if (decision.allowed) continue;
      const because =
        decision.reason === 'explicit deny'
          ? `with an explicit deny in an identity-based policy (${decision.statement})`
          : `because no identity-based policy allows the ${request.action} action`;
      const message =
        `User: arn:aws:sts::${this.accountId}:assumed-role/${role.name}/${role.name} is not authorized to perform: ` +
        `${request.action} on resource: ${request.resource} ${because}`;
      this.refused.push({ at: new Date().toISOString(), caller: role.name, action: request.action, resource: request.resource, message });
      this.log(`iam: refused ${message}`);
      return message;
    }
    return undefined;
  }

  /** Every call refused since start-up, oldest first. */
  denials(): readonly Denial[] {
    return [...this.refused];
  }
}
