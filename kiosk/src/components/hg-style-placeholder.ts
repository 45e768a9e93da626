import { css, html, LitElement } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { hangerArt } from './hanger-art.js';

/** A warm hue of its own for each name, so that tiles side by side are told apart at a glance. */
function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + (char.codePointAt(0) ?? 0)) >>> 0;
  // Between terracotta and olive: the shop's palette, never a cold grey.
  return 10 + (hash % 70);
}

/**
 * A style without a photo, designed rather than left grey: a tinted card with the hanger and
 * the style's name, the same size as a photo would be.
 */
@customElement('hg-style-placeholder')
export class HgStylePlaceholder extends LitElement {
  static override styles = css`
    :host {
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      gap: 0.4em;
      padding: 0.6em;
      box-sizing: border-box;
      width: 100%;
      aspect-ratio: 4 / 5;
      border-radius: calc(var(--hg-radius, 8px) * 0.5);
      background: linear-gradient(160deg, hsl(var(--hue) 45% 92%), hsl(var(--hue) 40% 80%));
      color: hsl(var(--hue) 45% 28%);
      text-align: center;
      overflow: hidden;
    }
    svg {
      width: 45%;
      opacity: 0.8;
    }
    .name {
      font-weight: 700;
      line-height: 1.25;
      display: -webkit-box;
      -webkit-line-clamp: 2;
      -webkit-box-orient: vertical;
      overflow: hidden;
    }
  `;

  /** The style's name, written on the card. */
  @property() name = '';

  protected override render() {
    this.style.setProperty('--hue', String(hueOf(this.name)));
    return html`${hangerArt}<span class="name">${this.name}</span>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'hg-style-placeholder': HgStylePlaceholder;
  }
}
