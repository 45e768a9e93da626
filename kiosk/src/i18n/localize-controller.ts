import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { onStoreZoneChanged } from '../data/format.js';
import { type MessageKey, type MessageOptions, onLanguageChanged, t } from './index.js';

/**
 * Re-renders its element whenever the language is switched, or the store's time zone (in which
 * every date and time is shown) becomes known.
 */
export class LocalizeController implements ReactiveController {
  private readonly host: ReactiveControllerHost;
  private stop: (() => void)[] = [];

  constructor(host: ReactiveControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    const update = () => this.host.requestUpdate();
    this.stop = [onLanguageChanged(update), onStoreZoneChanged(update)];
  }

  hostDisconnected(): void {
    for (const stop of this.stop) stop();
    this.stop = [];
  }

  /** The text for `key` in the current language, with its `{{placeholders}}` filled in. */
  t(key: MessageKey, options?: MessageOptions): string {
    return t(key, options);
  }
}
