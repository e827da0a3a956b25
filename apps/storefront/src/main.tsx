import { render } from 'preact';
import { App } from './app';
import { shopClient } from './api';
import { loadConfig } from './config';
import { SessionStore } from './session';
import type { Shop } from './shop-context';
import './styles.css';

/** Reads config.json (where the API is), then starts the app. */
async function start(root: HTMLElement): Promise<void> {
  const storage = sessionStorageOrNone();
  const session = new SessionStore(storage);
  try {
    const config = await loadConfig();
    const shop: Shop = { config, client: shopClient(config.apiUrl, session), session, storage, cartChanged: new EventTarget() };
    root.textContent = '';
    render(<App shop={shop} />, root);
  } catch (error) {
    root.innerHTML = '';
    const message = document.createElement('p');
    message.setAttribute('role', 'alert');
    message.textContent = `The shop could not start: ${(error as Error).message}`;
    root.append(message);
  }
}

function sessionStorageOrNone(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined; // storage disabled: the session lives in memory only
  }
}

void start(document.getElementById('app')!);
