import { SendEmailCommand, type SESv2Client } from '@aws-sdk/client-sesv2';
import { requireEnv } from '@shop/common';
import { PLATFORM_ENV } from '@shop/platform';
import { sendingTo, sesClient } from '@shop/aws';
import type { Mailer } from '../domain/ports';

const [EMAIL_FROM] = PLATFORM_ENV.email;

/** E-mail through SES (v2 SendEmail), from the shop's verified sender identity. */
export function sesMailer(options: { client?: () => SESv2Client; from?: () => string } = {}): Mailer {
  const client = options.client ?? sesClient;
  const from = options.from ?? (() => requireEnv(EMAIL_FROM));
  return {
    async send({ to, subject, text }) {
      // An error of it never names the address (`sendingTo`): it is logged, and dead-lettered.
      const out = await sendingTo(to, () =>
        client().send(
          new SendEmailCommand({
            FromEmailAddress: from(),
            Destination: { ToAddresses: [to] },
            Content: { Simple: { Subject: { Data: subject, Charset: 'UTF-8' }, Body: { Text: { Data: text, Charset: 'UTF-8' } } } },
          }),
        ),
      );
      if (!out.MessageId) throw new Error('SES answered without a message id');
      return { messageId: out.MessageId };
    },
  };
}
