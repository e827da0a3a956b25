/**
 * The hand-written part of docs/architecture.md, after the generated diagram. Edit it here:
 * `npm run docs` rewrites the page and keeps this text.
 */
export const ARCHITECTURE_NARRATIVE = `## Checkout

1. \`POST /orders\` (create-order): idempotent by \`Idempotency-Key\`; reads the caller's cart
   (read-cart), prices it from the catalogue (get-products), writes a PENDING order, starts the
   state machine with the order id as execution name, empties the ordered lines from the cart,
   and tells analytics' stream-processor with an asynchronous invoke (the top of the funnel).
2. The state machine (\`apps/checkout-orchestrator/src/checkout.asl.json\`): ValidateOrder
   (check-availability, a synchronous invoke) → ReserveStock (one DynamoDB transaction over every
   line, all or none) → WaitForPayment (a task token; the order is AWAITING_PAYMENT until the
   payment window passes; the customer must pay a minute before it ends, so that a charge made
   at the last moment is confirmed within it) → CommitStock → MarkPaid. Every failure path releases the stock
   (idempotently) and ends the order CANCELLED or PAYMENT_FAILED with a reason.
3. \`POST /payment/process\` charges the provider with the order id as idempotency key.
4. The provider confirms with a signed webhook; payment-webhook verifies the HMAC and timestamp,
   drops duplicates by event id and queues the result; update-order-status records it once and
   resumes the state machine with the task token.

## Events

The orders table has a DynamoDB stream, and order-events turns each status change into a domain
event on the shop's EventBridge bus: OrderCreated, OrderPaid, OrderCancelled, OrderPaymentFailed,
OrderRefunded (\`libs/events\`, each with a version and a zod schema; the id of an order's event is
derived from the order and the type, and the charge for a refund, so a redelivered stream record
makes the same event). No handler publishes order events itself: the stream is the one source,
so a written order always makes its event. Two rules take them from the bus:

- \`order-lifecycle\` → the notifications SNS topic → send-notification, which e-mails the
  customer (SES) and, for the news that matters, texts them (SNS SMS), once per event and channel;
- \`order-events\` → analytics-writer, which counts each event once into daily metrics (one
  DynamoDB transaction with the event's id as its guard); generate-report makes the daily and
  weekly reports from them, on a schedule and on \`GET /reports\`.

Every consumer checks the event against its schema first. What fails (a bad event, SES refusing
a message) is retried by Lambda and then sent, with the error, to the consumer's dead-letter
queue; nothing holds up a checkout.

## The libraries

Each lib under \`libs/\` has one purpose, and the arrows between them go one way:

| lib | what it holds | who uses it |
| --- | --- | --- |
| \`libs/contracts\` | what travels between services and to the browser: entities and value types as zod schemas (Money in integer cents, Order, Product, roles). Pure: no I/O | services, the web, the tools |
| \`libs/events\` | the event envelope, the versioned catalogue and how events travel on EventBridge and SNS | services that publish or consume |
| \`libs/platform\` | the platform model: the service manifest (\`defineService\`, \`httpRoute\`, routes and their error statuses, typed references), the naming conventions, and the build-time readers (environment derivation, manifest checks, layer definitions, state machine rendering, loading every manifest, deploy order) | services (their \`service.ts\`), \`libs/common\`, infra, the local cloud, the docs |
| \`libs/common\` | the Lambda-side runtime: one wrapper per trigger kind, errors, the logger, EMF metrics, config, cursors. Ships as the **common-utils** layer | every handler |
| \`libs/aws\`, \`libs/auth\` | the AWS SDK clients the functions use; token verification and role checks (the **auth-layer**) | adapters, HTTP handlers |
| \`libs/testing\` | fakes (one DynamoDB fake), API Gateway events, an API client, accounts | tests |

A service's own rules live in its \`src/domain\`, which is pure too; \`libs/contracts\` is only what
services agree on. \`libs/common\` builds on \`libs/platform\` and never the reverse: a lint error, and
tested. The common-utils layer takes from the platform only the manifest's pure part (a route's
error statuses); \`tools/layers\`' test reads the layer's esbuild metafile to hold that
([decision 122](decisions.md)).

## The local cloud

\`npm start\` runs all of it on localhost (\`tools/local-cloud\`): DynamoDB Local (the official
jar), cognito-local (behind a small fidelity proxy), local-aws-sqs with our event source
mapping poller, aws-local-stepfunctions running the real definition behind an HTTP shim for the
SFN API, a Lambda runtime that runs each function's esbuild bundle in worker threads (one per
warm instance, with its layers mounted as Lambda mounts them) behind the Lambda Invoke API
(asynchronous invokes retried and sent to their on-failure destination), an HTTP API gateway
with a JWT authorizer, small emulators of EventBridge (PutEvents and rules), SNS (topics, SMS),
SES (into an outbox: \`GET /_local/outbox\`), DynamoDB stream mappings and the scheduler, and a
payment provider simulator. Everything is wired from the manifests; handlers see only
environment variables (\`AWS_ENDPOINT_URL_<SERVICE>\`, table names, function names, queue URLs,
the state machine ARN, the bus name), as on AWS. \`GET /_local/trace?correlationId=\` shows every
invocation an order caused and what carried it. See [decisions](decisions.md) for where we departed from
the emulators' defaults and why.

\`startLocalCloud\` (tools/local-cloud/src/local-cloud.ts) starts it in named phases, each a
function of its own and each timed: \`check\` (manifests, definitions and bundles, before anything
starts), \`emulators\` (DynamoDB Local and cognito-local side by side, then the tables), \`queues\`,
\`messaging\` (EventBridge, SNS, SES), \`compute\` (Lambda Invoke API, Step Functions), \`edge\` (API
gateway, payment provider, Parameter Store), \`functions\` (registered with their environment),
\`triggers\` (queue and stream pollers, the scheduler) and \`seed\`. The log's last start-up line
lists them (\`started: check 0.3 s, emulators 3.9 s, …\`), and \`onPhase\` hands them to a caller.
Tests start the same code path through \`startTestCloud\` (free ports everywhere, retries after
1 s instead of AWS's backoffs, functions quiet unless \`SHOP_E2E_LOG=1\`), exported from
\`@shop/local-cloud\` with everything else a test may use, so no test reaches into the package's
\`src/\`. Stopping runs the parts in reverse; the Lambda runtime and the emulators stop together,
so Ctrl-C takes as long as the slower of the two ([decision 114](decisions.md)).
`;
