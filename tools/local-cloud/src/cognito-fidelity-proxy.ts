import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import { type ListeningServer, listen } from './http-server';

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
}

export function startCognitoFidelityProxy(options: CognitoProxyOptions): Promise<ListeningServer> {
  const server = createServer((incoming, outgoing) => forward(incoming, outgoing, options.upstreamPort));
  return listen(server, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
}

function forward(incoming: IncomingMessage, outgoing: ServerResponse, upstreamPort: number): void {
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
  incoming.pipe(upstream);
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
