import { createHash } from 'node:crypto';

/** AWS's length limits on the names the shop gives its resources. */
export const NAME_LIMITS = {
  iamRole: 64,
  lambdaFunction: 64,
  eventRule: 64,
  schedule: 64,
  sqsQueue: 80,
  lambdaStatementId: 100,
  stateMachine: 80,
} as const;

/**
 * `name`, or when AWS would refuse it as too long, its start and a hash of the whole: still
 * unique, still the same on every synth.
 */
export function boundedName(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, max - hash.length - 1)}-${hash}`;
}

/** A Terraform-address-friendly rendition: `POST /orders/{orderId}/cancel` → `post-orders-orderid-cancel`. */
export function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export class NameTooLongError extends Error {
  constructor(
    readonly kind: string,
    readonly resourceName: string,
    readonly max: number,
  ) {
    super(`the ${kind} name ${resourceName} has ${resourceName.length} characters; AWS allows ${max}: shorten the name in the manifest`);
    this.name = 'NameTooLongError';
  }
}

/**
 * A name other stacks and IAM policies build for themselves (functions, queues, state machines,
 * rules, schedules) cannot be shortened behind their back: a name that does not fit is refused at synth.
 */
export function fittingName(kind: keyof typeof NAME_LIMITS, name: string): string {
  if (name.length > NAME_LIMITS[kind]) throw new NameTooLongError(kind, name, NAME_LIMITS[kind]);
  return name;
}
