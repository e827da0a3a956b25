/**
 * AWS list prices in us-east-1, the ones `npm run cost` multiplies by. Checked on 2026-12-05 against
 * the pricing pages below. They change, so check them again before quoting a figure, and write the
 * new date here. There is no free tier: a shop that copies this project is billed past it.
 */
export const PRICES = {
  checked: '2026-12-05',
  region: 'us-east-1',
  lambda: {
    source: 'https://aws.amazon.com/lambda/pricing/',
    /** arm64 (infra's LAMBDA_ARCHITECTURE), first 7.5 billion GB-s a month. */
    perGbSecond: 0.0000133334,
    perMillionRequests: 0.2,
    /** START, END and REPORT: the platform's own lines in each invocation's log, as text (about 280 bytes). */
    platformLogBytesPerInvocation: 280,
  },
  stepFunctions: { source: 'https://aws.amazon.com/step-functions/pricing/', /** Standard workflows. */ perThousandTransitions: 0.025 },
  dynamodb: {
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    /** On demand, since the price cut of 2024-11-01. Streams read by Lambda triggers are free. */
    perMillionWriteUnits: 0.625,
    perMillionReadUnits: 0.125,
  },
  sqs: { source: 'https://aws.amazon.com/sqs/pricing/', /** Standard queues, per 64 KB chunk of a request. */ perMillionRequests: 0.4 },
  sns: { source: 'https://aws.amazon.com/sns/pricing/', /** Standard topics; deliveries to Lambda are free; SMS priced apart. */ perMillionPublishes: 0.5 },
  eventBridge: { source: 'https://aws.amazon.com/eventbridge/pricing/', /** Custom events, per 64 KB chunk. */ perMillionEvents: 1.0 },
  apiGateway: { source: 'https://aws.amazon.com/api-gateway/pricing/', /** HTTP APIs, first 300 million a month. */ perMillionRequests: 1.0 },
  cloudWatchLogs: { source: 'https://aws.amazon.com/cloudwatch/pricing/', /** Standard log class, ingestion (Lambda's first tier). */ perGbIngested: 0.5 },
  ses: { source: 'https://aws.amazon.com/ses/pricing/', /** Outbound e-mail, shown apart from the budget. */ perThousandEmails: 0.1 },
} as const;

export type Prices = typeof PRICES;
