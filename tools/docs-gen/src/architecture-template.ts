/**
 * The hand-written part of docs/architecture.md, after the generated diagram. Edit it here:
 * `npm run docs` rewrites the page and keeps this text.
 */
export const ARCHITECTURE_NARRATIVE = `## Checkout

1. \`POST /orders\` (create-order): idempotent by \`Idempotency-Key\`; reads the caller's cart
   (read-cart), prices it from the catalogue (get-products), writes a PENDING order, starts the
   state machine with the order id as execution name, and empties the ordered lines from the cart.
2. The state machine (\`apps/checkout-orchestrator/src/checkout.asl.json\`): ValidateOrder
   (check-availability, a synchronous invoke) → ReserveStock (one DynamoDB transaction over every
   line, all or none) → WaitForPayment (a task token; the order is AWAITING_PAYMENT until the
   payment window passes) → CommitStock → MarkPaid → Notify. Every failure path releases the
   stock (idempotently) and ends the order CANCELLED or PAYMENT_FAILED with a reason.
3. \`POST /payment/process\` charges the provider with the order id as idempotency key.
4. The provider confirms with a signed webhook; payment-webhook verifies the HMAC and timestamp,
   drops duplicates by event id and queues the result; update-order-status records it once and
   resumes the state machine with the task token.

## The local cloud

\`npm start\` runs all of it on localhost (\`tools/local-cloud\`): DynamoDB Local (the official
jar), cognito-local (behind a small fidelity proxy), local-aws-sqs with our event source
mapping poller, aws-local-stepfunctions running the real definition behind an HTTP shim for the
SFN API, a Lambda runtime that runs each function's esbuild bundle in worker threads (one per
warm instance) behind the Lambda Invoke API, an HTTP API gateway with a JWT authorizer, and a
payment provider simulator. Everything is wired from the manifests; handlers see only
environment variables (\`AWS_ENDPOINT_URL_<SERVICE>\`, table names, function names, queue URLs,
the state machine ARN), as on AWS. See [decisions](decisions.md) for where we departed from
the emulators' defaults and why.
`;
