/**
 * What may travel as a correlation id: letters, digits and `. _ - + / =`, up to 128 characters.
 * That takes UUIDs and API Gateway's request ids, which are base64 (`JDrW5jBuoAMEVvg=`), and keeps
 * out what could forge a log line or a header (spaces, newlines, quotes).
 */
const CORRELATION_ID = /^[A-Za-z0-9._\-+/=]{1,128}$/;

export function isSafeCorrelationId(value: unknown): value is string {
  return typeof value === 'string' && CORRELATION_ID.test(value);
}
