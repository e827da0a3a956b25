import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AccessRequest } from '@shop/platform';
import { listen, type ListeningServer, readBody } from '../http-server';
import type { FaultInjector } from '../faults';
import type { Authorizer } from '../iam/local-iam';
import type { NewOutboxMessage, Outbox } from '../outbox';

/**
 * SES v2's SendEmail over HTTP, as the SDK's `SESv2Client` speaks it (REST-JSON:
 * `POST /v2/email/outbound-emails`, errors with the code in `x-amzn-errortype` and
 * `{message}` in the body). A sent e-mail lands in the outbox, not in anyone's inbox.
 *
 * Failing on purpose: a recipient in the `.invalid` top-level domain (RFC 2606 reserves it
 * for names that can never resolve, so no real address is caught by this) is refused with
 * 400 `MessageRejected`, as SES refuses a message it will not send. Tests use it to make a
 * notification fail: `someone@bounce.invalid`.
 *
 * Left out: `Content.Raw` and `Content.Template` (refused as BadRequestException, not ignored),
 * identity verification and the sandbox, sending quotas, the 50-recipient limit, configuration
 * sets, tags and list management. Every other SES v2 operation answers 404 NotFoundException.
 */

export interface SesApiOptions {
  host?: string;
  port?: number;
  log?: (line: string) => void;
  /**
   * The local cloud's IAM: SendEmail is judged, as SES authorizes it, on the identity it sends as
   * (the From address's domain) and on the configuration set it goes through (the one it names,
   * or the identity's default).
   */
  access?: { authorizer: Authorizer; region: string; accountId: string; defaultConfigurationSet: string };
  /** `email-send-fail`: a SendEmail that SES takes in and fails with 500, sending nothing. */
  faults?: FaultInjector;
}

/** An SES error with the code the SDK maps to its exception class and its HTTP status. */
export class SesError extends Error {
  constructor(
    readonly code: 'BadRequestException' | 'MessageRejected' | 'NotFoundException' | 'AccessDeniedException',
    message: string,
    readonly status = code === 'NotFoundException' ? 404 : code === 'AccessDeniedException' ? 403 : 400,
  ) {
    super(message);
    this.name = code;
  }
}

function sendEmailRequests(body: unknown, access: NonNullable<SesApiOptions['access']>): AccessRequest[] {
  const request = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const from = typeof request['FromEmailAddress'] === 'string' ? ADDRESS.exec(request['FromEmailAddress'])?.[2] : undefined;
  const set = typeof request['ConfigurationSetName'] === 'string' ? request['ConfigurationSetName'] : access.defaultConfigurationSet;
  const arn = (resource: string) => `arn:aws:ses:${access.region}:${access.accountId}:${resource}`;
  return [
    { action: 'ses:SendEmail', resource: arn(`identity/${from ?? '*'}`) },
    { action: 'ses:SendEmail', resource: arn(`configuration-set/${set}`) },
  ];
}

const SEND_EMAIL_PATH = '/v2/email/outbound-emails';
/** SES's limit on a message, encoded. */
const MAX_REQUEST_BYTES = 40 * 1024 * 1024;
/** An address as SES takes it: `local@domain`, optionally as `Display Name <local@domain>`. */
const ADDRESS = /^(?:[^<>]*<)?([^\s@<>]+@([^\s@<>]+\.[^\s@<>]+))>?$/;

export async function startSesApi(outbox: Outbox, options: SesApiOptions = {}): Promise<ListeningServer> {
  const log = options.log ?? (() => undefined);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = request.url?.split('?')[0];
    if (request.method !== 'POST' || path !== SEND_EMAIL_PATH) {
      throw new SesError('NotFoundException', `The local SES supports only SendEmail (POST ${SEND_EMAIL_PATH}), not ${request.method} ${path}`);
    }
    const read = await readBody(request, MAX_REQUEST_BYTES);
    if (read.tooLarge) throw new SesError('MessageRejected', 'Message length is more than 40 MB');
    let body: unknown;
    try {
      body = JSON.parse(read.body.toString('utf8'));
    } catch {
      throw new SesError('BadRequestException', 'The request body is not JSON');
    }
    const denied = options.access?.authorizer.deny(request.headers, sendEmailRequests(body, options.access));
    if (denied) throw new SesError('AccessDeniedException', denied);
    if (options.faults?.take('email-send-fail')) throw new Error('fault injected: SendEmail failed');
    const message = outbox.add(emailFrom(body));
    log(`e-mail ${message.messageId} from ${message.from} to ${message.to.join(', ')}: ${message.subject}`);
    send(response, 200, { MessageId: message.messageId });
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (response.headersSent) return void response.destroy(error);
      if (error instanceof SesError) {
        log(`SendEmail refused: ${error.code}: ${error.message}`);
        return send(response, error.status, { message: error.message }, error.code);
      }
      log(`SendEmail failed: ${error.message}`);
      send(response, 500, { message: error.message }, 'InternalFailure');
    });
  });
  return listen(server, options);
}

/** The outbox message a SendEmail request describes, checked as SES checks it. */
function emailFrom(body: unknown): NewOutboxMessage {
  const request = asObject(body);
  const from = request['FromEmailAddress'];
  if (typeof from !== 'string' || from === '') throw new SesError('BadRequestException', 'FromEmailAddress is required');
  checkAddress(from, 'FromEmailAddress');

  const destination = asObject(request['Destination']);
  const to = addresses(destination, 'ToAddresses');
  const cc = addresses(destination, 'CcAddresses');
  const bcc = addresses(destination, 'BccAddresses');
  const recipients = [...to, ...cc, ...bcc];
  if (recipients.length === 0) throw new SesError('BadRequestException', 'Destination must name at least one recipient');
  const undeliverable = recipients.find((address) => ADDRESS.exec(address)?.[2]?.toLowerCase().endsWith('.invalid'));
  if (undeliverable) {
    throw new SesError('MessageRejected', `Recipient ${undeliverable} is in the reserved .invalid domain and can never be delivered`);
  }

  const content = asObject(request['Content']);
  if (content['Raw'] !== undefined || content['Template'] !== undefined) {
    throw new SesError('BadRequestException', 'The local SES sends Content.Simple only, not Raw or Template content');
  }
  if (content['Simple'] === undefined) throw new SesError('BadRequestException', 'Content is required: give Content.Simple');
  const simple = asObject(content['Simple']);
  const subject = asObject(simple['Subject'])['Data'];
  if (typeof subject !== 'string') throw new SesError('BadRequestException', 'Content.Simple.Subject.Data is required');
  const bodyParts = asObject(simple['Body']);
  const text = asObject(bodyParts['Text'])['Data'];
  const html = asObject(bodyParts['Html'])['Data'];
  if (typeof text !== 'string' && typeof html !== 'string') {
    throw new SesError('BadRequestException', 'Content.Simple.Body needs Text.Data or Html.Data');
  }

  return {
    channel: 'email',
    from,
    to,
    ...(cc.length > 0 && { cc }),
    ...(bcc.length > 0 && { bcc }),
    subject,
    text: typeof text === 'string' ? text : '',
    ...(typeof html === 'string' && { html }),
  };
}

function addresses(destination: Record<string, unknown>, field: string): string[] {
  const list = destination[field];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((address): address is string => typeof address === 'string')) {
    throw new SesError('BadRequestException', `Destination.${field} must be a list of addresses`);
  }
  for (const address of list) checkAddress(address, `Destination.${field}`);
  return list;
}

function checkAddress(address: string, field: string): void {
  if (!ADDRESS.test(address)) throw new SesError('BadRequestException', `${field}: ${address} is not a valid e-mail address`);
}

function asObject(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function send(response: ServerResponse, status: number, body: unknown, errorType?: string): void {
  response.writeHead(status, {
    'content-type': 'application/json',
    'x-amzn-requestid': randomUUID(),
    ...(errorType && { 'x-amzn-errortype': errorType }),
  });
  response.end(JSON.stringify(body));
}
