import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { fallbackAnswer, type RouteList } from './route-answer';

/**
 * The function behind the HTTP API's `$default` route: API Gateway hands it every request that
 * matches no route, and it answers 404 or 405 in the shop's error shape, as the local cloud does,
 * and 204 to a CORS preflight (the local gateway answers those before routing).
 * Its zip holds the routes of every manifest as `routes.json` beside the bundle, written at synth.
 */
const routes = JSON.parse(readFileSync(join(__dirname, 'routes.json'), 'utf8')) as RouteList;

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  const answer = fallbackAnswer(routes, event.requestContext.http.method, event.rawPath);
  return { statusCode: answer.status, headers: answer.headers, ...(answer.body ? { body: JSON.stringify(answer.body) } : {}) };
}
