import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, type ListeningServer, readBody } from '../http-server';
import type { Authorizer } from '../iam/local-iam';
import { type LocalSns, type MessageAttributeValue, MAX_MESSAGE_BYTES, type PublishInput, SnsError } from './local-sns';
import { parseTraceHeader, runInTrace } from '../trace-context';

/**
 * The SNS API over HTTP, as the SDK's `SNSClient` (3.11xx) speaks it: the AWS Query protocol,
 * `POST /` with a form body (`Action=Publish&Version=2010-03-31&TopicArn=...`, message
 * attributes as `MessageAttributes.entry.N.Name` / `.Value.DataType` / `.Value.StringValue`),
 * answered in XML; errors as `<ErrorResponse>` with the code the SDK maps to its exception
 * classes (`NotFound` → NotFoundException, `InvalidParameter` → InvalidParameterException).
 * Publish only: topics and subscriptions come from the manifests.
 */

const XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** Room for a 256 KB message, form-encoded (up to three bytes per byte), and its attributes. */
const MAX_REQUEST_BYTES = 4 * MAX_MESSAGE_BYTES;

export interface SnsApiOptions {
  host?: string;
  port?: number;
  /** The local cloud's IAM: Publish is judged on the topic's ARN, or on `*` for an SMS (a phone number has no ARN). */
  authorizer?: Authorizer;
}

export async function startSnsApi(sns: LocalSns, options: SnsApiOptions): Promise<ListeningServer> {
  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const read = await readBody(request, MAX_REQUEST_BYTES);
    if (read.tooLarge) return sendError(response, requestId, new SnsError('InvalidParameter', 'Invalid parameter: Message too long'));
    const params = new URLSearchParams(
      request.method === 'POST' ? read.body.toString('utf8') : new URL(request.url ?? '/', 'http://local').search,
    );
    const action = params.get('Action');
    try {
      if (action !== 'Publish') {
        throw new SnsError('InvalidAction', `The local SNS does not support ${action ? `the action ${action}` : 'a request without an Action'}; only Publish`);
      }
      const target = params.get('TopicArn') ?? params.get('TargetArn') ?? '*';
      const denied = options.authorizer?.deny(request.headers, [{ action: 'sns:Publish', resource: target }]);
      if (denied) throw new SnsError('AuthorizationError', denied, 403);
      // The deliveries continue the publisher's trace, as SNS does with active tracing.
      const { MessageId } = runInTrace(parseTraceHeader(request.headers['x-amzn-trace-id']), () => sns.publish(publishInput(params)));
      sendXml(
        response,
        200,
        `<PublishResponse xmlns="${XMLNS}"><PublishResult><MessageId>${escapeXml(MessageId)}</MessageId></PublishResult>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
        requestId,
      );
    } catch (error) {
      if (error instanceof SnsError) return sendError(response, requestId, error);
      throw error;
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (response.headersSent) return void response.destroy(error);
      sendXml(response, 500, errorXml('Receiver', 'InternalError', error.message, 'internal'), 'internal');
    });
  });
  return listen(server, options);
}

function publishInput(params: URLSearchParams): PublishInput {
  const input: PublishInput = {};
  for (const field of ['TopicArn', 'TargetArn', 'PhoneNumber', 'Message', 'Subject', 'MessageStructure'] as const) {
    const value = params.get(field);
    if (value !== null) input[field] = value;
  }
  const attributes = messageAttributes(params);
  if (attributes) input.MessageAttributes = attributes;
  return input;
}

/** `MessageAttributes.entry.N.{Name, Value.DataType, Value.StringValue, Value.BinaryValue}`, N from 1. */
function messageAttributes(params: URLSearchParams): Record<string, MessageAttributeValue> | undefined {
  const attributes: Record<string, MessageAttributeValue> = {};
  for (let n = 1; params.has(`MessageAttributes.entry.${n}.Name`); n++) {
    const prefix = `MessageAttributes.entry.${n}`;
    const name = params.get(`${prefix}.Name`) ?? '';
    const DataType = params.get(`${prefix}.Value.DataType`);
    const StringValue = params.get(`${prefix}.Value.StringValue`);
    const BinaryValue = params.get(`${prefix}.Value.BinaryValue`);
    if (!DataType) {
      throw new SnsError('InvalidParameter', `Invalid parameter: The message attribute '${name}' must contain non-empty message attribute type.`);
    }
    if (StringValue === null && BinaryValue === null) {
      throw new SnsError('InvalidParameter', `Invalid parameter: The message attribute '${name}' must contain non-empty message attribute value.`);
    }
    attributes[name] = { DataType, ...(StringValue !== null && { StringValue }), ...(BinaryValue !== null && { BinaryValue }) };
  }
  return Object.keys(attributes).length > 0 ? attributes : undefined;
}

function sendError(response: ServerResponse, requestId: string, error: SnsError): void {
  sendXml(response, error.status, errorXml('Sender', error.code, error.message, requestId), requestId);
}

function errorXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return (
    `<ErrorResponse xmlns="${XMLNS}"><Error><Type>${type}</Type><Code>${escapeXml(code)}</Code>` +
    `<Message>${escapeXml(message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`
  );
}

function sendXml(response: ServerResponse, status: number, body: string, requestId: string): void {
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId });
  response.end(`<?xml version="1.0"?>\n${body}`);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char] ?? char);
}
