/**
 * Errors of the calls that deliver to a person (SES SendEmail, SNS Publish to a phone number),
 * without the person. AWS names the address or the number in some of its messages ("Invalid
 * parameter: PhoneNumber Reason: +14155550123 is not valid to publish to"), and a logged error keeps
 * its message, its stack and its own fields, so a failed send would write a customer's contact into
 * the logs, at error level, on every retry, and into the dead-letter queue's error.
 */

/** `+14155550123` → `+1415•••0123`; `ann.lee@example.com` → `a•••@example.com`. */
export function maskRecipient(recipient: string): string {
  const at = recipient.lastIndexOf('@');
  if (at > 0) return `${recipient.slice(0, 1)}•••${recipient.slice(at)}`;
  if (recipient.length <= 6) return '•••';
  return `${recipient.slice(0, 5)}•••${recipient.slice(-4)}`;
}

function escaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * The error as a new one without the recipient: the same name, and the SDK's `$fault`, `$metadata`
 * and `$retryable` (what callers branch on: a throttle is still a throttle), with the recipient
 * masked in the message, in any case and, for a number, with or without its `+`. Nothing else of
 * the original is kept: not its stack, its other fields or a cause, any of which may quote it.
 */
export function withoutRecipient(error: unknown, recipient: string): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const forms = [recipient, recipient.replace(/^\+/, '')].filter((form) => form.length >= 3);
  const pattern = new RegExp(forms.map(escaped).join('|'), 'gi');
  const clean = new Error(original.message.replace(pattern, maskRecipient(recipient)));
  clean.name = original.name;
  for (const key of ['$fault', '$metadata', '$retryable'] as const) {
    if (key in original) Object.assign(clean, { [key]: (original as unknown as Record<string, unknown>)[key] });
  }
  return clean;
}

/** Runs a send to `recipient`; an error it throws comes out `withoutRecipient`. */
export async function sendingTo<T>(recipient: string, send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    throw withoutRecipient(error, recipient);
  }
}
