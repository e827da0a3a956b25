import { isApiError } from '@shop/api-client';

/**
 * A failed request, in words a shopper understands: what went wrong and what to do, and for a
 * form, a message next to each field the API named. Built from the API's
 * `{error: {code, message, details?}}`, API Gateway's `{message}`, or no answer at all.
 */
export interface Problem {
  /** The HTTP status, or 0 when no answer came. */
  status: number;
  /** The API's code, when it gave one: VALIDATION_FAILED, CART_EMPTY… */
  code?: string;
  message: string;
  /** By the request's field name (`email`, `price.amount`): what to fix there. */
  fields: Record<string, string>;
  /** Quote it when reporting a problem: the API's request id. */
  requestId?: string;
}

/** What the request was for: a 401 while signing in is a wrong password, elsewhere an ended session. */
export type ProblemContext = 'sign-in' | 'sign-up' | 'product' | 'cart' | 'checkout' | 'payment' | 'order' | 'admin' | 'report' | 'send-code' | 'delete-account';

/** What the shopper is told first about a refusal that passes with time; then when to try again (`tryAgain`). */
const NOT_SENT = "We couldn't send your code just now.";
const NO_CODE_YET = "You can't have another code just yet.";

const BY_CODE: Record<string, string> = {
  INVALID_CREDENTIALS: "The e-mail address or password isn't right.",
  CART_EMPTY: 'Your cart is empty. Add something before you check out.',
  PRODUCT_UNAVAILABLE:
    'Something in your cart is no longer available, or not in that quantity. Check your cart and try again.',
  ORDER_NOT_PAYABLE: "This order can't be paid any more: it may have been cancelled, or its time to pay has passed.",
  PAYMENT_WINDOW_CLOSED: 'The time to pay for this order has run out, and its items went back on the shelf. Please order again.',
  PAYMENT_IN_PROGRESS: 'A payment for this order is already being processed. Wait a moment for the result.',
  PAYMENT_ALREADY_SUBMITTED: 'A payment for this order is already being processed. Wait a moment for the result.',
  PAYMENT_REJECTED: 'Your payment was refused. Try another payment method.',
  PAYMENT_PROVIDER_UNAVAILABLE: "The payment service isn't answering right now. Please try again in a moment.",
  CART_CHANGED: 'Your cart changed since this page showed it (in another tab, or a price). Nothing was ordered: check your order below and place it again.',
  IDEMPOTENCY_KEY_REUSED: 'Your cart changed while your order was being placed. Check your cart and place the order again.',
  ORDER_NOT_CANCELLABLE: "This order can't be cancelled any more: it is already paid or finished.",
  TOO_MANY_OPEN_ORDERS:
    'You already have 3 orders waiting for payment, so nothing was ordered. Pay for or cancel one of them in Your orders, then place this order again.',
  EMAIL_TAKEN: 'An account with this e-mail address already exists. Sign in instead.',
  CART_FULL: 'Your cart is full. Remove something before adding more.',
  QUANTITY_LIMIT: 'You can have at most 99 of one product in your cart.',
  CART_BUSY: 'Your cart is being changed somewhere else. Please try again.',
  CART_MIXED_CURRENCIES: "Products priced in different currencies can't be ordered together.",
  CURRENCY_MISMATCH: "Products priced in different currencies can't be ordered together.",
  ORDER_TOO_LARGE: 'This order is too large to place at once. Split it into smaller orders.',
  ORDER_NOT_FOUND: "We couldn't find that order.",
  PRODUCT_NOT_FOUND: 'This product is no longer available.',
  CART_ITEM_NOT_FOUND: 'That product is no longer in your cart.',
  CATALOG_UNAVAILABLE: "The catalogue isn't answering right now. Please try again in a moment.",
  PRODUCT_BUSY: 'Shoppers are buying this product right now, so nothing was saved. Please try again in a moment.',
  SERVICE_UNAVAILABLE: "The shop can't do that right now, so nothing was changed. Please try again in a moment.",
  INVALID_CURSOR: 'That page of results has expired. Start again from the first page.',
  CODE_NOT_SENT: `${NOT_SENT} ${tryAgain(undefined)}`,
  INVALID_CODE: "That code isn't right, or it has expired. Check it, or ask for a new one.",
  TOO_MANY_ATTEMPTS: 'Too many wrong codes were tried, so that code no longer works. Ask for a new one.',
  ALREADY_VERIFIED: "That's verified already: there's nothing more to do.",
  NO_PHONE: 'Your account has no mobile number to verify.',
  // A step of the deletion failed: the same request, with the token this page holds, finishes the job (the sign-in may be gone already).
  DELETION_INCOMPLETE: "We couldn't finish deleting your account just now. Try again now, from this page: it picks up where it stopped.",
  // The cart routes' answer to a token of a deleted account (another tab, still signed in).
  ACCOUNT_DELETED: 'This account was deleted. Create a new account to shop again.',
};

const BY_STATUS: Record<number, string> = {
  0: "We couldn't reach the shop. Check your connection and try again.",
  400: "Something in the request wasn't right. Check what you entered and try again.",
  401: 'Your session has ended. Please sign in again.',
  402: 'Your payment was refused. Try another payment method.',
  403: "Your account isn't allowed to do that.",
  404: "We couldn't find that. It may have been removed.",
  405: "The shop doesn't support that action.",
  409: 'That clashes with a change made in the meantime. Reload and try again.',
  412: 'Someone changed this since you opened it. It now shows their changes: make yours again.',
  413: "That's more than the shop can take at once. Shorten the text and try again.",
  422: 'That request was already made with different details. Start again.',
  429: 'The shop is very busy right now. Wait a moment and try again.',
};

const SERVER_TROUBLE = 'Something went wrong on our side. Please try again in a moment.';

/** How a field reads in a sentence. */
const FIELD_LABELS: Record<string, string> = {
  email: 'E-mail address',
  password: 'Password',
  name: 'Name',
  phone: 'Mobile number',
  quantity: 'Quantity',
  description: 'Description',
  price: 'Price',
  'price.amount': 'Price',
  'price.currency': 'Currency',
  stock: 'Stock',
  delta: 'Change',
  reason: 'Reason',
  paymentMethod: 'Payment method',
  date: 'Date',
  code: 'Code',
};

/** What to do about a field whose value the API refused for a reason not worth quoting (a zod message). */
const FIELD_HINTS: Record<string, string> = {
  email: 'Enter an e-mail address like name@example.com.',
  phone: 'Enter a mobile number in international form, like +14155550123.',
  name: 'Enter a name.',
  quantity: 'Choose a quantity from 1 to 99.',
  'price.amount': 'Enter a price from 0.00 to 1,000,000.00.',
  stock: 'Enter a whole number from 0 to 1,000,000.',
  delta: 'Enter a whole number other than 0: positive adds stock, negative takes it away.',
  reason: 'Say why, in a few words.',
  paymentMethod: 'Choose a payment method.',
  code: 'Enter the 6 digits of the code we sent you.',
};

/**
 * `retryAfter` is the answer's Retry-After header: where the refusal passes with time (a code
 * asked for too often, or not sent), the words say when to try again.
 */
export function problemFromAnswer(status: number, body: unknown, context?: ProblemContext, requestId?: string, retryAfter?: string): Problem {
  const fields: Record<string, string> = {};
  let code: string | undefined;
  if (isApiError(body)) {
    code = body.error.code;
    for (const detail of body.error.details ?? []) {
      const words = fieldMessage(detail.field, detail.message);
      // Several rules of one field (a password's) read as one sentence each, side by side.
      fields[detail.field] = fields[detail.field] ? `${fields[detail.field]} ${words}` : words;
    }
  }
  if (code === 'EMAIL_TAKEN') fields['email'] = BY_CODE['EMAIL_TAKEN']!;
  if (code === 'INVALID_CODE') fields['code'] = BY_CODE['INVALID_CODE']!;
  return {
    status,
    ...(code ? { code } : {}),
    message: summary(status, code, context, Object.keys(fields).length > 0, retryAfterSeconds(retryAfter)),
    fields,
    ...(requestId ? { requestId } : {}),
  };
}

/** No answer at all: offline, the API down, or blocked (CORS). */
export function networkProblem(): Problem {
  return { status: 0, message: BY_STATUS[0]!, fields: {} };
}

/** How many seconds a Retry-After header says to wait (it gives seconds, or a date); undefined when it says nothing usable. */
export function retryAfterSeconds(header: string | null | undefined, now: number = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** When to try again: as long as the API said (Retry-After), or "in a moment" when it did not say. */
function tryAgain(seconds: number | undefined): string {
  if (seconds === undefined) return 'Please try again in a moment.';
  if (seconds < 60) return `Please try again in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}.`;
  const minutes = Math.ceil(seconds / 60);
  return `Please try again in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}.`;
}

function summary(status: number, code: string | undefined, context: ProblemContext | undefined, hasFields: boolean, wait: number | undefined): string {
  // The admin's new product under a key used for another (its form renews the key on every change, so only a bug gets here).
  if (code === 'IDEMPOTENCY_KEY_REUSED' && context === 'admin') return 'That product was already created with different details. Reload the page and try again.';
  // An add resent with another quantity (the page renews its key when the quantity changes, so only a bug gets here).
  if (code === 'IDEMPOTENCY_KEY_REUSED' && context === 'cart') return 'That was already added with another quantity. Check your cart, then try again.';
  // A code that could not go, or one asked for too often (five an hour): when the next one can.
  if (code === 'CODE_NOT_SENT') return `${NOT_SENT} ${tryAgain(wait)}`;
  // The shop's own hourly cap on texts, not the customer's doing: e-mail still works.
  if (code === 'SHOP_SMS_LIMIT_REACHED') return `We're sending too many text messages right now. ${tryAgain(wait)} Codes by e-mail are not affected.`;
  if (status === 429 && context === 'send-code') return `${NO_CODE_YET} ${tryAgain(wait)}`;
  // The API closes no staff account at its holder's request (an ADMIN or MANAGER, or a customer who is staff too).
  if (status === 403 && context === 'delete-account') return 'A staff account (admin or manager) is closed by an administrator: ask one to close yours. Nothing was deleted.';
  if (code && BY_CODE[code]) return BY_CODE[code];
  if (status === 400 && hasFields) return 'Please correct the highlighted fields.';
  if (status === 401 && context === 'sign-in') return BY_CODE['INVALID_CREDENTIALS']!;
  if (status === 404 && context === 'product') return BY_CODE['PRODUCT_NOT_FOUND']!;
  if (status === 404 && (context === 'order' || context === 'payment')) return BY_CODE['ORDER_NOT_FOUND']!;
  if (status === 409 && context === 'sign-up') return BY_CODE['EMAIL_TAKEN']!;
  if (status >= 500) return SERVER_TROUBLE;
  return BY_STATUS[status] ?? SERVER_TROUBLE;
}

function fieldMessage(field: string, message: string): string {
  const label = FIELD_LABELS[field] ?? 'This field';
  // Our own rules are written to be read ("must contain a number"); zod's defaults are not.
  if (/^must /.test(message)) return `${label} ${message}.`;
  // A limit the shop states with the number that applies to this shopper now ("at most 2 more can be added").
  if (/^(at most |the line already )/.test(message)) return `${label}: ${message}.`;
  if (message === 'required' || /expected .*, received undefined/i.test(message)) return `${label} is required.`;
  if (message === 'unknown field') return `${label} is not something the shop takes.`;
  return FIELD_HINTS[field] ?? `${label}: ${message}.`;
}
