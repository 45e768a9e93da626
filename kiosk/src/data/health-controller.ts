import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConnectionState } from '../connection/connection.js';
import { fetchHealth } from './health.js';

export type { ConnectionState } from '../connection/connection.js';

/** How long to wait between checks while the server answers. */
export const RECHECK_ONLINE_MS = 30_000;
/** How long to wait before checking again after a check failed. */
export const RECHECK_OFFLINE_MS = 5_000;
/** A check that takes longer than this counts as no answer. */
const TIMEOUT_MS = 5_000;

/**
 * Checks `/api/health` while its element is on the page and re-renders the element when the
 * answer changes. Until the WebSocket client exists this is the screens' connection status.
 */
export class HealthController implements ReactiveController {
  /** Where the link stands after the last check. */
  state: ConnectionState = 'connecting';
  /** The server's version from the last good answer, or null before the first one. */
  version: string | null = null;

  private readonly host: ReactiveControllerHost;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private abort: AbortController | undefined;

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    void this.check();
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.abort?.abort();
    this.abort = undefined;
  }

  /** Checks now, then again after a pause that depends on the answer. */
  async check(): Promise<void> {
    clearTimeout(this.timer);
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const timeout = setTimeout(() => abort.abort(), TIMEOUT_MS);
    try {
      const health = await fetchHealth(abort.signal);
      this.state = 'online';
      this.version = health.version;
    } catch {
      // A newer check or the element leaving the page aborted this one: leave everything to it.
      if (abort !== this.abort) return;
      this.state = 'offline';
    } finally {
      clearTimeout(timeout);
    }
    if (abort !== this.abort) return;
    this.abort = undefined;
    this.host.requestUpdate();
    this.timer = setTimeout(
      () => void this.check(),
      this.state === 'online' ? RECHECK_ONLINE_MS : RECHECK_OFFLINE_MS,
    );
  }
}
