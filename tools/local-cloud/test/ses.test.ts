import {
  BadRequestException,
  GetAccountCommand,
  MessageRejected,
  SendEmailCommand,
  type SendEmailCommandInput,
  SESv2Client,
} from '@aws-sdk/client-sesv2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ListeningServer } from '../src/http-server';
import { LOCAL_AWS } from '../src/local-aws';
import { type OutboxMessage, Outbox } from '../src/outbox';
import { startSesApi } from '../src/ses/sesv2-api';

/** SES v2's SendEmail on its own, through the SDK's SESv2Client, unmodified, into the outbox. */

const outbox = new Outbox();
const heard: OutboxMessage[] = [];
outbox.onMessage((message) => heard.push(message));
const sesLog: string[] = [];
let api: ListeningServer;
let ses: SESv2Client;

beforeAll(async () => {
  api = await startSesApi(outbox, { port: 0, log: (line) => sesLog.push(line) });
  ses = new SESv2Client({ ...LOCAL_AWS, endpoint: api.url, maxAttempts: 1 });
});

afterAll(async () => {
  ses.destroy();
  await api.close();
});

beforeEach(() => {
  outbox.clear();
  heard.length = 0;
});

const email = (overrides: Partial<SendEmailCommandInput> = {}): SendEmailCommandInput => ({
  FromEmailAddress: 'Shop <orders@shop.test>',
  Destination: { ToAddresses: ['ada@example.com'] },
  Content: {
    Simple: {
      Subject: { Data: 'Order o-1 confirmed' },
      Body: { Text: { Data: 'Thank you for your order.' }, Html: { Data: '<p>Thank you for your order.</p>' } },
    },
  },
  ...overrides,
});

describe('SendEmail through the SDK', () => {
  it('puts the e-mail in the outbox with its fields and answers its MessageId', async () => {
    const { MessageId } = await ses.send(
      new SendEmailCommand(email({ Destination: { ToAddresses: ['ada@example.com'], CcAddresses: ['ops@shop.test'], BccAddresses: ['audit@shop.test'] } })),
    );

    expect(MessageId).toEqual(expect.any(String));
    expect(outbox.list()).toEqual([
      {
        messageId: MessageId,
        channel: 'email',
        from: 'Shop <orders@shop.test>',
        to: ['ada@example.com'],
        cc: ['ops@shop.test'],
        bcc: ['audit@shop.test'],
        subject: 'Order o-1 confirmed',
        text: 'Thank you for your order.',
        html: '<p>Thank you for your order.</p>',
        sentAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      },
    ]);
    expect(heard.map((message) => message.messageId)).toEqual([MessageId]);
    expect(outbox.toJSON()).toEqual({ messages: outbox.list() });
  });

  it('keeps messages oldest first and narrows them by recipient', async () => {
    await ses.send(new SendEmailCommand(email({ Destination: { ToAddresses: ['first@example.com'] } })));
    await ses.send(new SendEmailCommand(email({ Destination: { ToAddresses: ['second@example.com'] } })));

    expect(outbox.list().map((message) => message.to)).toEqual([['first@example.com'], ['second@example.com']]);
    expect(outbox.list({ to: 'second@example.com' })).toHaveLength(1);
    expect(outbox.list({ channel: 'sms' })).toEqual([]);
  });

  it('sends an HTML-only e-mail with empty text', async () => {
    await ses.send(new SendEmailCommand(email({ Content: { Simple: { Subject: { Data: 'Hi' }, Body: { Html: { Data: '<b>Hi</b>' } } } } })));
    expect(outbox.list()[0]).toMatchObject({ text: '', html: '<b>Hi</b>' });
  });

  it('rejects a recipient in the reserved .invalid domain with MessageRejected and sends nothing', async () => {
    const send = ses.send(new SendEmailCommand(email({ Destination: { ToAddresses: ['ada@example.com'], BccAddresses: ['someone@bounce.invalid'] } })));

    await expect(send).rejects.toBeInstanceOf(MessageRejected);
    await expect(send).rejects.toMatchObject({ message: expect.stringContaining('someone@bounce.invalid'), $metadata: { httpStatusCode: 400 } });
    expect(outbox.list()).toEqual([]);
    expect(heard).toEqual([]);
    expect(sesLog.some((line) => line.includes('MessageRejected'))).toBe(true);
  });

  it.each<[string, Partial<SendEmailCommandInput>, string]>([
    ['no sender', { FromEmailAddress: undefined }, 'FromEmailAddress'],
    ['a sender that is no address', { FromEmailAddress: 'orders' }, 'FromEmailAddress'],
    ['no destination', { Destination: undefined }, 'Destination'],
    ['a destination without recipients', { Destination: { ToAddresses: [] } }, 'Destination'],
    ['a recipient that is no address', { Destination: { ToAddresses: ['ada at example.com'] } }, 'ToAddresses'],
    ['no content', { Content: undefined }, 'Content'],
    ['no subject', { Content: { Simple: { Subject: undefined, Body: { Text: { Data: 'x' } } } } }, 'Subject'],
    ['no body', { Content: { Simple: { Subject: { Data: 'x' }, Body: {} } } }, 'Body'],
    ['raw content, which the local SES does not send', { Content: { Raw: { Data: new TextEncoder().encode('Subject: x\r\n\r\nx') } } }, 'Raw'],
  ])('refuses %s with BadRequestException', async (_name, overrides, field) => {
    const send = ses.send(new SendEmailCommand(email(overrides)));

    await expect(send).rejects.toBeInstanceOf(BadRequestException);
    await expect(send).rejects.toMatchObject({ message: expect.stringContaining(field), $metadata: { httpStatusCode: 400 } });
    expect(outbox.list()).toEqual([]);
  });

  it('answers another SES operation with NotFoundException', async () => {
    await expect(ses.send(new GetAccountCommand({}))).rejects.toMatchObject({
      name: 'NotFoundException',
      message: expect.stringContaining('SendEmail'),
    });
  });
});
