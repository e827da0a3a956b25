import { useRoute } from 'preact-iso';
import { useEffect, useMemo, useState } from 'preact/hooks';
import graphJson from '../generated/architecture-graph.json';
import { correlationIdOf } from '../shop/order-correlation';
import { useSession, useShop } from '../shop-context';
import { LinesTable } from '../ui/lines-table';
import { Page } from '../ui/page';
import { ArchitectureDiagram } from './architecture-diagram';
import { type ArchitectureGraph, type Invocation, litBy, patternsSeen, stateMachinePath } from './trace';

const graph: ArchitectureGraph = graphJson;

interface OutboxMessage {
  messageId: string;
  channel: 'email' | 'sms';
  to: string[];
  subject?: string;
  text: string;
  sentAt: string;
}

const CARRIER_WORDS: Record<Invocation['pattern'], string> = {
  'api-gateway': 'API Gateway',
  'sync-invoke': 'sync invoke',
  'async-invoke': 'async invoke',
  eventbridge: 'EventBridge rule',
  sns: 'SNS topic',
  sqs: 'SQS queue',
  'step-functions': 'Step Functions',
  'dynamodb-stream': 'DynamoDB stream',
  schedule: 'schedule',
};

/**
 * How the shop works, live: the generated architecture, and for one order the messages that
 * carried it, lit on the diagram by pattern, with the state machine's path and what the customer
 * was sent. It reads the local cloud's own pages (`/_local/trace`, `/_local/outbox`), which exist
 * under `npm start` only: deployed, CloudWatch and X-Ray play that part.
 */
export function LivePage() {
  const shop = useShop();
  const signedIn = useSession();
  const { params, query } = useRoute();
  const orderId = params['id'];
  const correlationId = query['correlationId'] ?? (orderId ? correlationIdOf(shop.storage, orderId) : undefined);
  const [invocations, setInvocations] = useState<Invocation[]>([]);
  const [messages, setMessages] = useState<OutboxMessage[]>([]);
  const [unreachable, setUnreachable] = useState(false);

  useEffect(() => {
    if (!correlationId || !shop.config.localCloud) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    const local = async <T,>(path: string): Promise<T | undefined> => {
      try {
        const response = await fetch(`${shop.config.apiUrl}/_local/${path}`);
        return response.ok ? ((await response.json()) as T) : undefined;
      } catch {
        return undefined;
      }
    };
    const poll = async () => {
      const [trace, outbox] = await Promise.all([
        local<{ invocations: Invocation[] }>(`trace?correlationId=${encodeURIComponent(correlationId)}`),
        signedIn ? local<{ messages: OutboxMessage[] }>(`outbox?to=${encodeURIComponent(signedIn.email)}`) : Promise.resolve(undefined),
      ]);
      if (stopped) return;
      setUnreachable(!trace);
      if (trace) setInvocations(trace.invocations);
      if (outbox) setMessages(outbox.messages.filter((m) => !orderId || mentions(m, orderId)));
      // An order's messages arrive within seconds; a payment window can keep it going for minutes.
      if (Date.now() - started < 10 * 60_000) timer = setTimeout(poll, 1500);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [correlationId, shop, signedIn?.email, orderId]);

  const lit = useMemo(() => litBy(graph, invocations), [invocations]);
  const seen = patternsSeen(invocations);
  const path = stateMachinePath(invocations);

  return (
    <Page title={orderId ? 'Your order, through the services' : 'How the shop works'} wide>
      <p class="lead">
        Every box is a Lambda function or what connects them, generated from the services' manifests. Solid lines are synchronous calls, dashed lines
        asynchronous calls, dotted lines events and messages.
      </p>
      {!shop.config.localCloud ? (
        <p class="alert">The live trace comes from the local cloud (`npm start`). Deployed, CloudWatch Logs and X-Ray show the same under the order's correlation id.</p>
      ) : !correlationId ? (
        <p>
          Place an order, then open <em>Watch this order travel through the services</em> on its page to see the messages that carried it light up here.
        </p>
      ) : (
        <>
          <p>
            Correlation id <code>{correlationId}</code>: {invocations.length} invocations so far{unreachable ? ' (the local cloud is not answering)' : ''}.
          </p>
          <ul class="patterns" aria-label="The seven patterns">
            {seen.map((p) => (
              <li key={p.name} class={p.seen ? 'seen' : undefined}>
                <span aria-hidden="true">{p.seen ? '✔' : '○'}</span> {p.name}
                <span class="visually-hidden">{p.seen ? ': seen' : ': not yet'}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <ArchitectureDiagram graph={graph} lit={lit} title="The shop's services and how they talk" />
      {invocations.length ? (
        <div class="live-details">
          {path.length ? (
            <section aria-labelledby="path-heading">
              <h2 id="path-heading">The checkout state machine</h2>
              <ol class="state-path">
                {path.map((state, i) => (
                  <li key={`${state}-${i}`}>{state}</li>
                ))}
              </ol>
            </section>
          ) : null}
          <section aria-labelledby="sent-heading">
            <h2 id="sent-heading">What the customer was sent</h2>
            {messages.length ? (
              <ul>
                {messages.map((m) => (
                  <li key={m.messageId}>
                    {m.channel === 'email' ? `E-mail: “${m.subject ?? ''}”` : `SMS: “${m.text}”`}
                  </li>
                ))}
              </ul>
            ) : (
              <p>Nothing yet.</p>
            )}
          </section>
          <section aria-labelledby="calls-heading" class="calls">
            <h2 id="calls-heading">Every invocation</h2>
            <LinesTable columns={['Carried by', 'Via', 'Function', { label: 'Time', number: true }]}>
              {invocations.map((i) => (
                <tr key={i.requestId + i.at}>
                  <td>{CARRIER_WORDS[i.pattern]}</td>
                  <td>{i.via}</td>
                  <th scope="row">
                    {i.service}/{i.function}
                  </th>
                  <td class="number">
                    {i.ok ? '' : 'failed, '}
                    {i.coldStart ? 'cold, ' : ''}
                    {i.durationMs} ms
                  </td>
                </tr>
              ))}
            </LinesTable>
          </section>
        </div>
      ) : null}
    </Page>
  );
}

/** Whether a message is about the order: the shop names orders by the first eight characters of their id. */
function mentions(message: OutboxMessage, orderId: string): boolean {
  const short = orderId.slice(0, 8).toUpperCase();
  return `${message.subject ?? ''} ${message.text}`.toUpperCase().includes(short);
}
