import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { sendingTo, snsClient } from '@shop/aws';
import type { Texter } from '../domain/ports';

/** SMS through SNS, published straight to the phone number, as transactional messages (sent even to opted-out numbers' carriers first). */
export function snsTexter(options: { client?: () => SNSClient } = {}): Texter {
  const client = options.client ?? snsClient;
  return {
    async send({ to, text }) {
      // An error of it never names the number (`sendingTo`): it is logged, and dead-lettered.
      const out = await sendingTo(to, () =>
        client().send(
          new PublishCommand({
            PhoneNumber: to,
            Message: text,
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        ),
      );
      if (!out.MessageId) throw new Error('SNS answered without a message id');
      return { messageId: out.MessageId };
    },
  };
}
