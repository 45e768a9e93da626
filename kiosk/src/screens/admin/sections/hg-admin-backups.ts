import { html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import '../../../components/hg-error.js';
import { type BackupList, listBackups, makeBackup } from '../../../data/backups.js';
import { count, dateTime } from '../../../data/format.js';
import { AdminSection } from '../context.js';

/** "1.2 MB" for a file size. */
function size(bytes: number): string {
  if (bytes < 1024 * 1024) return `${count(Math.max(1, Math.round(bytes / 1024)))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** The chain's backup, run at head office as the database's owner (README, "Chain mode"). */
const PG_DUMP = 'pg_dump --format=custom --username=hanger --dbname=hanger --file=hanger-$(date +%F).dump';
const PG_RESTORE = [
  'createdb --username=postgres --owner=hanger hanger_restored',
  'pg_restore --username=hanger --dbname=hanger_restored hanger-2026-12-06.dump',
].join('\n');

/** Backups: the schedule from config.json, the files in data/backups, one made now, and how to restore. */
@customElement('hg-admin-backups')
export class HgAdminBackups extends AdminSection {
  @state() private _list: BackupList | null = null;
  /** The file the last "back up now" made. */
  @state() private _made: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    void this._load();
  }

  protected override render() {
    const t = this._i18n.t.bind(this._i18n);
    const list = this._list;
    if (list?.engine === 'postgres') {
      return html`
        <h2>${t('admin.nav.backups')}</h2>
        <section class="card" data-postgres>
          <h3>${t('backup.chainTitle')}</h3>
          <p>${t('backup.chain')}</p>
          <p>${t('chain.backup.how')}</p>
          <pre><code>${PG_DUMP}</code></pre>
          <p>${t('chain.backup.restore')}</p>
          <pre><code>${PG_RESTORE}</code></pre>
          <p>${t('chain.backup.export')}</p>
          <p class="muted">${t('chain.backup.standby')}</p>
        </section>
      `;
    }
    return html`
      <h2>${t('admin.nav.backups')}</h2>
      <hg-error detailed .error=${this._error}></hg-error>
      ${this._made && !this._error ? html`<p class="done" role="status">${t('backup.made', { file: this._made })}</p>` : nothing}
      <section class="card">
        <h3>${t('backup.schedule')}</h3>
        ${
          list
            ? html`<p>${list.schedule.enabled ? t('backup.scheduleOn', { hours: list.schedule.everyHours, keep: list.schedule.keep }) : t('backup.scheduleOff')}</p>
              <p>${list.encrypting ? t('backup.encrypted') : t('backup.plain')}</p>
              <p class="muted">${t('backup.where', { folder: `data/${list.folder}` })}</p>`
            : nothing
        }
        <div class="actions">
          <button type="button" class="primary" data-action="backup-now" ?disabled=${this._busy} @click=${this._backupNow}>${t('backup.now')}</button>
          ${this._busy ? html`<span class="muted" role="status">${t('backup.working')}</span>` : nothing}
        </div>
      </section>
      <section class="card">
        <h3>${t('backup.files')}</h3>
        ${
          !list || list.items.length === 0
            ? html`<p class="empty">${t('backup.none')}</p>`
            : html`<table data-backups>
          <thead><tr><th>${t('backup.file')}</th><th>${t('backup.madeAt')}</th><th class="num">${t('backup.size')}</th><th>${t('backup.kind')}</th></tr></thead>
          <tbody>${list.items.map(
            (file) => html`<tr>
              <td><code>${file.name}</code></td>
              <td>${dateTime(file.at)}</td>
              <td class="num">${size(file.bytes)}</td>
              <td>${file.encrypted ? html`<span class="badge good">${t('backup.kindEncrypted')}</span>` : t('backup.kindPlain')}</td>
            </tr>`,
          )}</tbody>
        </table>`
        }
      </section>
      <section class="card">
        <h3>${t('backup.restore')}</h3>
        <ol>
          <li>${t('backup.restoreStop')}</li>
          <li>${t('backup.restoreRun')}<pre><code>npm run restore -- data/backups/${list?.items[0]?.name ?? 'hanger-….db'}</code></pre></li>
          <li>${t('backup.restoreChecks')}</li>
          <li>${t('backup.restoreStart')}</li>
        </ol>
      </section>
    `;
  }

  private async _load(): Promise<void> {
    const done = this._done;
    const list = await this._run(() => listBackups(this.ctx.auth));
    if (list) this._list = list;
    this._done = done;
  }

  private async _backupNow(): Promise<void> {
    this._made = null;
    const made = await this._run(() => makeBackup(this.ctx.auth));
    if (made) {
      await this._load();
      this._made = made.backup.name;
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-admin-backups': HgAdminBackups;
  }
}
