/** One request as the load tool sends it: a status, never a throw (a refused connection is status 0). */
export interface Answer {
  status: number;
  body: unknown;
}

export async function send(baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON: kept as text, for the error message.
    }
    return { status: response.status, body };
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
