import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { type ListeningServer, listen, readBody } from './http-server';
import type { Authorizer } from './iam/local-iam';

/**
 * A pass-through proxy in front of cognito-local that fills in what its sign-in answers
 * leave out and real Cognito always sends: `AuthenticationResult.ExpiresIn` (seconds the
 * access token lives) and `TokenType: 'Bearer'`. Handlers written against Cognito rely on
 * them, and must not learn that they run locally. Every other request passes unchanged.
 */

const SIGN_IN_TARGETS = new Set(
  ['InitiateAuth', 'AdminInitiateAuth', 'RespondToAuthChallenge', 'AdminRespondToAuthChallenge'].map(
    (operation) => `AWSCognitoIdentityProviderService.${operation}`,
  ),
);

export interface CognitoProxyOptions {
  /** Port of cognito-local on 127.0.0.1. */
  upstreamPort: number;
  host?: string;
  port?: number;
  /**
   * The local cloud's IAM, and the region and account of the pool's ARN. Only the `Admin*`
   * operations are judged: the others (SignUp, InitiateAuth, ...) are the pool's public API,
   * which AWS does not authorize with IAM either.
   */
  access?: { authorizer: Authorizer; region: string; accountId: string };
}

const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';

export function startCognitoFidelityProxy(options: CognitoProxyOptions): Promise<ListeningServer> {
  const { access, upstreamPort } = options;
  const server = createServer((incoming, outgoing) => {
    const operation = String(incoming.headers['x-amz-target'] ?? '').replace(TARGET_PREFIX, '');
    if (!access?.authorizer.judges(incoming.headers) || !operation.startsWith('Admin')) return forward(incoming, outgoing, upstreamPort);
    // No limit of its own: cognito-local answers whatever it is sent, as without the judge.
    readBody(incoming, Number.POSITIVE_INFINITY).then(
      (read) => {
        const body = read.tooLarge ? Buffer.alloc(0) : read.body;
        const denied = access.authorizer.deny(incoming.headers, [{ action: `cognito-idp:${operation}`, resource: userPoolArn(body, access) }]);
        if (!denied) return forward(incoming, outgoing, upstreamPort, body);
        outgoing.writeHead(400, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException' });
        outgoing.end(JSON.stringify({ __type: 'AccessDeniedException', message: denied }));
      },
      (error: Error) => outgoing.destroy(error),
    );
  });
  return listen(server, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
}

/** The ARN of the pool a request names (`UserPoolId`), or `*` when it names none. */
function userPoolArn(body: Buffer, { region, accountId }: { region: string; accountId: string }): string {
  try {
    const id = (JSON.parse(body.toString('utf8')) as { UserPoolId?: unknown }).UserPoolId;
    return typeof id === 'string' ? `arn:aws:cognito-idp:${region}:${accountId}:userpool/${id}` : '*';
  } catch {
    return '*';
  }
}

/** Hands a request to cognito-local, its body from the stream or, when it was read already, `body`. */
function forward(incoming: IncomingMessage, outgoing: ServerResponse, upstreamPort: number, body?: Buffer): void {
  const patch = SIGN_IN_TARGETS.has(String(incoming.headers['x-amz-target'] ?? ''));
  const upstream = request(
    {
      host: '127.0.0.1',
      port: upstreamPort,
      method: incoming.method,
      path: incoming.url,
      headers: { ...incoming.headers, host: `127.0.0.1:${upstreamPort}` },
    },
    (answer) => {
      if (!patch || answer.statusCode !== 200) {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
        return;
      }
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = completeAuthenticationResult(Buffer.concat(chunks));
        const headers = { ...answer.headers, 'content-length': String(body.length) };
        delete headers['transfer-encoding'];
        outgoing.writeHead(200, headers);
        outgoing.end(body);
      });
    },
  );
  upstream.on('error', (error) => {
    if (outgoing.headersSent) return void outgoing.destroy(error);
    outgoing.writeHead(502, { 'content-type': 'application/json' });
    outgoing.end(JSON.stringify({ __type: 'InternalErrorException', message: `cognito-local: ${error.message}` }));
  });
  if (body) upstream.end(body);
  else incoming.pipe(upstream);
}

/** Adds `ExpiresIn` (from the access token's `exp - iat`) and `TokenType` when they are missing. */
export function completeAuthenticationResult(body: Buffer): Buffer {
  let parsed: { AuthenticationResult?: Record<string, unknown> };
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    return body;
  }
  const result = parsed.AuthenticationResult;
  if (!result || typeof result['AccessToken'] !== 'string') return body;
  result['TokenType'] ??= 'Bearer';
  if (result['ExpiresIn'] === undefined) {
    const claims = decodeJwtPayload(result['AccessToken']);
    if (typeof claims?.exp === 'number' && typeof claims.iat === 'number') result['ExpiresIn'] = claims.exp - claims.iat;
  }
  return Buffer.from(JSON.stringify(parsed));
}

function decodeJwtPayload(token: string): { exp?: unknown; iat?: unknown } | undefined {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown; iat?: unknown };
  } catch {
    return undefined;
  }
}
