/** What the app learns at run time from `config.json` beside index.html: the same build serves every stage. */
export interface WebConfig {
  /** The HTTP API's base URL, without a trailing slash. */
  apiUrl: string;
  /** True where the local cloud runs the API (`npm start`): its `/_local/` pages feed the live view. */
  localCloud: boolean;
}

export async function loadConfig(fetchJson: (url: string) => Promise<unknown> = defaultFetch): Promise<WebConfig> {
  // Beside index.html: the app's base, not the page's path (`/products/…` has no config.json).
  const raw = (await fetchJson(`${import.meta.env.BASE_URL}config.json`)) as Partial<Record<keyof WebConfig, unknown>> | null;
  if (!raw || typeof raw.apiUrl !== 'string' || !/^https?:\/\//.test(raw.apiUrl)) {
    throw new Error('config.json must name the API as {"apiUrl": "https://…"}');
  }
  return { apiUrl: raw.apiUrl.replace(/\/+$/, ''), localCloud: raw.localCloud === true };
}

async function defaultFetch(url: string): Promise<unknown> {
  const response = await fetch(url, { cache: 'no-store' });
  if (!response.ok) throw new Error(`config.json answered ${response.status}`);
  return response.json();
}
