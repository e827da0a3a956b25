import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { requireEnv } from '@shop/common';
import { PLATFORM_ENV } from '@shop/platform';
import { sendingTo, sesClient, snsClient } from '@shop/aws';
import type { CodeSender } from '../domain/code-sender';

const [EMAIL_FROM] = PLATFORM_ENV.email;

export interface SesSnsCodeSenderOptions {
  ses?: () => SESv2Client;
  sns?: () => SNSClient;
  /** The shop's SES sender identity; read at each call, not at load. */
  from?: () => string;
}

/**
 * Verification codes through the shop's own senders: e-mail with SES (v2 SendEmail) from
 * `EMAIL_FROM`, SMS with SNS Publish straight to the number, transactional (a code that arrives
 * late is no use). Locally both land in the local cloud's outbox.
 */
export function sesSnsCodeSender(options: SesSnsCodeSenderOptions = {}): CodeSender {
  const ses = options.ses ?? sesClient;
  const sns = options.sns ?? snsClient;
  const from = options.from ?? (() => requireEnv(EMAIL_FROM));
  return {
    // An error of either never names the address or the number (`sendingTo`): it may be logged.
    async email(to, subject, text) {
      await sendingTo(to, () =>
        ses().send(
          new SendEmailCommand({
            FromEmailAddress: from(),
            Destination: { ToAddresses: [to] },
            Content: { Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Text: { Data: text, Charset: 'UTF-8' } } } },
          }),
        ),
      );
    },
    async sms(to, text) {
      await sendingTo(to, () =>
        sns().send(
          new PublishCommand({
            PhoneNumber: to,
            Message: text,
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        ),
      );
    },
  };
}
