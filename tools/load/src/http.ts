import { ApiClient, type RequestOptions } from '@shop/testing';

/** One request as the load tool sends it: a status, never a throw (a refused connection is status 0). */
export interface Answer {
  status: number;
  body: unknown;
}

/** `ApiClient`'s request (@shop/testing), with a refused or broken connection answered as status 0 instead of thrown. */
export async function send(baseUrl: string, method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  try {
    const { status, body } = await new ApiClient(baseUrl).request(method, path, options);
    return { status, body };
  } catch (error) {
    return { status: 0, body: (error as Error).message };
  }
}

/** The answer's body when it has `status`; otherwise an error naming what was asked. */
export async function expectStatus<T = Record<string, unknown>>(answer: Promise<Answer>, status: number, what: string): Promise<T> {
  const got = await answer;
  if (got.status !== status) throw new Error(`${what} answered ${got.status}: ${JSON.stringify(got.body).slice(0, 300)}`);
  return got.body as T;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
