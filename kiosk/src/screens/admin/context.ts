import { css, html, LitElement, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { controls } from '../../components/styles.js';
import type { HangerConnection } from '../../connection/connection.js';
import type { ApiAuth } from '../../data/http.js';
import type { AdminSession } from '../../data/session.js';
import type { Said } from '../../i18n/index.js';
import { LocalizeController } from '../../i18n/localize-controller.js';

/** What every admin section works with: the signed-in owner's token and the live connection. */
export interface AdminContext {
  auth: ApiAuth;
  connection: HangerConnection;
  session: AdminSession;
}

/** The layout every admin section shares. */
export const sectionStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: 1.25em;
  }
  h2 {
    margin: 0;
    font-size: 1.5em;
  }
  h3 {
    margin: 0 0 0.75em;
    font-size: 1.15em;
  }
  .tabs {
    display: flex;
    gap: 0.4em;
    flex-wrap: wrap;
  }
  .tabs button[aria-pressed='true'] {
    background: var(--hg-ink);
    border-color: var(--hg-ink);
    color: var(--hg-surface);
  }
  form.grid {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(12em, 1fr));
    gap: 0.75em 1em;
    align-items: end;
  }
  .actions {
    display: flex;
    gap: 0.5em;
    flex-wrap: wrap;
    align-items: center;
  }
  .done {
    color: var(--hg-ok);
    font-weight: 600;
  }
  .empty {
    color: var(--hg-muted);
    padding: 0.75em 0;
  }
  .split {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(0, 1.4fr);
    gap: 1.25em;
    align-items: start;
  }
  tr.selected td {
    background: #fbf3ee;
  }
`;

/** A section of the admin page: gets the context, and runs actions with a busy flag and an error. */
export class AdminSection extends LitElement {
  static override styles = [controls, sectionStyles];

  /** The signed-in owner's token and the live connection. */
  @property({ attribute: false }) ctx!: AdminContext;

  @state() protected _busy = false;
  @state() protected _error: unknown = null;
  /** A short line saying the last action worked (shown by `_doneLine`, in the language shown now). */
  @state() protected _done: Said | null = null;

  protected readonly _i18n = new LocalizeController(this);

  /** Runs `action`, keeping the error to show; resolves with its result or undefined. */
  protected async _run<T>(action: () => Promise<T>, done: Said | null = null): Promise<T | undefined> {
    this._busy = true;
    this._error = null;
    this._done = null;
    try {
      const result = await action();
      this._done = done;
      return result;
    } catch (error) {
      this._error = error;
      return undefined;
    } finally {
      this._busy = false;
    }
  }

  /** The line saying the last action worked; nothing while an error says a later one did not. */
  protected _doneLine() {
    return this._done && !this._error
      ? html`<p class="done" role="status">${this._i18n.t(this._done.key, this._done.options)}</p>`
      : nothing;
  }
}

/** The values of a form's named fields, trimmed. */
export function formValues(form: HTMLFormElement): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of new FormData(form)) if (typeof value === 'string') values[key] = value.trim();
  return values;
}

/** Saves a file the server produced through the browser's download. */
export function download(data: Blob | string, fileName: string, type = 'application/octet-stream'): void {
  const blob = typeof data === 'string' ? new Blob([data], { type }) : data;
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
