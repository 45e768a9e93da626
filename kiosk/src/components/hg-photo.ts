import { css, html, LitElement, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fetchPhoto } from '../data/catalog.js';
import type { ApiAuth } from '../data/http.js';

/** Where a photo stands: none to show, on its way, drawn, or it could not be fetched. */
export type PhotoState = 'none' | 'loading' | 'loaded' | 'failed';

/**
 * A product photo from the server. The photo routes need the screen's Bearer token, which a
 * plain `<img src>` cannot send: this element fetches the image with the token, shows it through
 * a blob URL and revokes that URL when the photo changes or the element leaves the page.
 *
 * @slot fallback - Shown while there is no photo to draw (none, loading or failed).
 * @csspart img - The image.
 * @cssprop --hg-photo-fit - `object-fit` of the image (`cover`).
 */
@customElement('hg-photo')
export class HgPhoto extends LitElement {
  static override styles = css`
    :host {
      display: block;
      overflow: hidden;
    }
    img {
      display: block;
      width: 100%;
      height: 100%;
      object-fit: var(--hg-photo-fit, cover);
    }
  `;

  /** The photo's API path (`/api/products/…/photos/…`); empty or null: no photo. */
  @property() src: string | null = null;
  /** The token to fetch it with: the device's or the signed-in staff member's. */
  @property({ attribute: false }) auth: ApiAuth | null = null;
  /** What the photo shows, for screen readers; empty for a decorative picture. */
  @property() alt = '';
  /** Where the photo stands, reflected for styles and tests. */
  @property({ reflect: true }) state: PhotoState = 'none';

  @state() private _blobUrl: string | null = null;
  /** The path and token the shown (or loading) photo was fetched for. */
  private _for: string | null = null;
  private _abort: AbortController | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    // Put back on the page (a moved element): fetch again what was let go on leaving.
    if (this.hasUpdated) this._fetch();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._release();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('src') || changed.has('auth')) this._fetch();
  }

  protected override render() {
    return this._blobUrl
      ? html`<img part="img" src=${this._blobUrl} alt=${this.alt} @load=${this._loaded} @error=${this._broken} />`
      : html`<slot name="fallback"></slot>`;
  }

  private _fetch(): void {
    const src = this.src || null;
    const token = this.auth?.token ?? null;
    const key = src && token ? `${token} ${src}` : null;
    // A parent re-rendering hands over a new but equal auth object: nothing to fetch again.
    if (key === this._for) return;
    this._release();
    this._for = key;
    if (!key || !src || !this.auth) {
      this.state = 'none';
      return;
    }
    const abort = new AbortController();
    this._abort = abort;
    this.state = 'loading';
    fetchPhoto(this.auth, src, abort.signal).then(
      (blob) => {
        if (abort.signal.aborted) return;
        this._blobUrl = URL.createObjectURL(blob);
      },
      () => {
        if (!abort.signal.aborted) this.state = 'failed';
      },
    );
  }

  /** Stops a fetch under way and revokes the blob URL shown. */
  private _release(): void {
    this._abort?.abort();
    this._abort = null;
    if (this._blobUrl) URL.revokeObjectURL(this._blobUrl);
    this._blobUrl = null;
    this._for = null;
  }

  private _loaded(): void {
    this.state = 'loaded';
  }

  private _broken(): void {
    if (this._blobUrl) URL.revokeObjectURL(this._blobUrl);
    this._blobUrl = null;
    this.state = 'failed';
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-photo': HgPhoto;
  }
}
