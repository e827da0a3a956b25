/**
 * A small HTTP client for tests that run through an API: the local cloud's, or a deployed
 * stage's (the same tests run against either, switched by one URL). Answers are returned,
 * never thrown, so tests assert on the status and body a user would see.
 */
/** Bodies are asserted on by tests, not trusted, so they default to a loose type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiAnswer<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  /** A string is sent as is (to test malformed JSON); anything else is JSON-encoded. */
  body?: unknown;
}

export class ApiClient {
  constructor(readonly baseUrl: string) {}

  request<T = Json>(method: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
    return this.send<T>(method, path, options);
  }

  get<T = Json>(path: string, options?: RequestOptions) {
    return this.send<T>('GET', path, options);
  }

  post<T = Json>(path: string, body?: unknown, options?: RequestOptions) {
    return this.send<T>('POST', path, { ...options, body });
  }

  put<T = Json>(path: string, body?: unknown, options?: RequestOptions) {
    return this.send<T>('PUT', path, { ...options, body });
  }

  delete<T = Json>(path: string, options?: RequestOptions) {
    return this.send<T>('DELETE', path, options);
  }

  /** A client that sends this bearer token with every request. */
  as(token: string): AuthenticatedClient {
    return new AuthenticatedClient(this.baseUrl, token);
  }

  protected async send<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiAnswer<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token) headers['authorization'] = `Bearer ${options.token}`;
    let body: string | undefined;
    if (options.body !== undefined) {
      body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(new URL(path, this.baseUrl), { method, headers, body });
    const text = await response.text();
    let parsed: unknown = text;
    if (text && response.headers.get('content-type')?.includes('json')) parsed = JSON.parse(text);
    return { status: response.status, body: (text ? parsed : undefined) as T, headers: response.headers };
  }
}

export class AuthenticatedClient extends ApiClient {
  constructor(
    baseUrl: string,
    readonly token: string,
  ) {
    super(baseUrl);
  }

  protected override send<T>(method: string, path: string, options: RequestOptions = {}) {
    return super.send<T>(method, path, { token: this.token, ...options });
  }
}
