/** Sends a message to a person, through the shop's own sender (SES for e-mail, SNS for SMS). */
export interface CodeSender {
  email(to: string, subject: string, text: string): Promise<void>;
  sms(to: string, text: string): Promise<void>;
}
