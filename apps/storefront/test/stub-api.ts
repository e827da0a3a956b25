import { createShopClient } from '@shop/api-client';
import { SessionStore } from '../src/session';

/** What the stubbed API answers to one request. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * A shop whose API answers each `METHOD /path` from the answers given for it, in turn (the last
 * one for every request after), through the app's typed client; `requests` lists what was asked,
 * with its body. A request nobody answers gets no answer at all, as when offline.
 */
export function stubApi(routes: Record<string, Answer | Answer[]>) {
  const requests: { route: string; body: unknown }[] = [];
  const fetch = async (request: Request): Promise<Response> => {
    const route = `${request.method} ${new URL(request.url).pathname}`;
    const text = await request.text();
    requests.push({ route, body: text ? JSON.parse(text) : undefined });
    const given = routes[route];
    if (!given) throw new Error(`no answer for ${route}`);
    const answers = Array.isArray(given) ? given : [given];
    const answer = answers[Math.min(requests.filter((r) => r.route === route).length, answers.length) - 1]!;
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { 'content-type': 'application/json', ...answer.headers },
    });
  };
  const session = new SessionStore(undefined);
  return { shop: { client: createShopClient({ baseUrl: 'http://shop.test', fetch }), session }, requests };
}

/** The API's error shape. */
export const apiError = (code: string, message = code, details?: { field: string; message: string }[]) => ({ error: { code, message, ...(details ? { details } : {}) } });
