import { css } from 'lit';

/** The checkout's dialogs: a sheet over the sale, big enough for fingers, closed with Esc. */
export const dialogStyles = css`
  .scrim {
    position: fixed;
    inset: 0;
    z-index: 10;
    display: grid;
    place-items: center;
    background: rgb(20 16 12 / 0.45);
  }
  .sheet {
    box-sizing: border-box;
    width: min(880px, calc(100vw - 2em));
    max-height: calc(100vh - 2em);
    overflow: auto;
    padding: 1.25em 1.5em;
    background: var(--hg-surface);
    border-radius: var(--hg-radius);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.3);
    display: flex;
    flex-direction: column;
    gap: 1em;
  }
  .sheet h2 {
    margin: 0;
    font-size: 1.4em;
  }
  .sheet .actions {
    display: flex;
    gap: 0.75em;
    justify-content: flex-end;
    flex-wrap: wrap;
  }
  .stack {
    display: flex;
    flex-direction: column;
    align-items: stretch;
    gap: 0.6em;
  }
  .actions.centered {
    justify-content: center;
  }
  .wide {
    grid-column: 1 / -1;
  }
  .two {
    display: grid;
    grid-template-columns: 1fr 15em;
    gap: 1.5em;
    align-items: start;
  }
  .big {
    font-size: 1.6em;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  kbd {
    font: inherit;
    font-size: 0.75em;
    padding: 0 0.35em;
    border: 1px solid currentColor;
    border-radius: 4px;
    opacity: 0.75;
  }
`;

/** The keys on the sale's buttons and its own dialogs: lighter than a dialog's boxed ones. */
export const saleKeyStyles = css`
  kbd {
    font: inherit;
    font-size: 0.72em;
    opacity: 0.75;
  }
`;

/**
 * The sale: banners on top, the cart's lines beside the member and the totals, the action keys
 * along the bottom; only the lines scroll, the page never does.
 */
export const saleStyles = css`
  :host {
    flex: 1;
    display: flex;
    flex-direction: column;
    min-height: 0;
  }
  .banner {
    padding: 0.5em 1.5em;
    font-weight: 700;
    text-align: center;
  }
  .training {
    background: repeating-linear-gradient(-45deg, #ffd600 0 24px, #1c1a18 24px 48px);
    color: #1c1a18;
    font-size: 1.2em;
    letter-spacing: 0.1em;
  }
  .training span {
    background: #ffd600;
    padding: 0.1em 0.8em;
    border-radius: 4px;
  }
  .offline {
    background: #b3261e;
    color: #fff;
  }
  .chain-offline {
    background: #1a3a6b;
    color: #fff;
  }
  .chain-sending,
  .chain-held {
    background: #fff4e5;
    color: #5a3a00;
  }
  .hardware {
    background: #fff4e5;
    color: #7a3e00;
  }
  .sale {
    flex: 1;
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(20em, 30%);
    gap: 0.75em;
    padding: 0.6em 1em;
    min-height: 0;
  }
  .lines {
    display: flex;
    flex-direction: column;
    min-height: 0;
    gap: 0.5em;
  }
  /*
   * The lines stack from the bottom (column-reverse, the fill below the table taking what is
   * left over): scrolled to the end, the newest line stays in view as lines come and as the
   * window changes size.
   */
  .table {
    flex: 1;
    display: flex;
    flex-direction: column-reverse;
    overflow: auto;
    min-height: 0;
    background: var(--hg-surface);
    border: 1px solid var(--hg-line);
    border-radius: var(--hg-radius);
  }
  .table > table,
  .table > .empty {
    flex: none;
  }
  .table > .fill {
    flex: 1 0 0;
  }
  .table thead th {
    white-space: nowrap;
    position: sticky;
    top: 0;
    z-index: 1;
    background: var(--hg-surface);
  }
  tr[aria-selected='true'] td {
    background: color-mix(in srgb, var(--hg-accent) 10%, var(--hg-surface));
  }
  tr.line {
    cursor: pointer;
  }
  .item {
    display: flex;
    gap: 0.6em;
    align-items: flex-start;
  }
  .thumb {
    flex: none;
    width: 2.6em;
    height: 3.2em;
    border-radius: calc(var(--hg-radius) * 0.4);
    background: var(--hg-page);
  }
  .name {
    font-weight: 600;
  }
  .variant,
  .why {
    font-size: 0.85em;
    color: var(--hg-muted);
  }
  .why {
    color: #0f5323;
  }
  .qty {
    display: inline-flex;
    align-items: center;
    gap: 0.3em;
  }
  .qty button {
    min-width: var(--hg-touch);
    min-height: var(--hg-touch);
    padding: 0;
  }
  .qty output {
    min-width: 1.6em;
    text-align: center;
    font-weight: 700;
    font-variant-numeric: tabular-nums;
  }
  .was {
    text-decoration: line-through;
    color: var(--hg-muted);
    font-size: 0.85em;
  }
  .empty {
    padding: 3em 1em;
    text-align: center;
    color: var(--hg-muted);
    font-size: 1.2em;
  }
  .manual {
    display: flex;
    gap: 0.5em;
  }
  .manual input {
    flex: 1;
  }
  /* The member card gives way (it scrolls inside) before the total could leave the window. */
  .side {
    display: flex;
    flex-direction: column;
    gap: 0.6em;
    min-height: 0;
  }
  .side hg-checkout-member {
    flex: 0 1 auto;
    min-height: 0;
    overflow: auto;
  }
  .side .totals {
    flex: none;
    padding: 0.75em 1em;
  }
  .totals {
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 0.2em 1em;
    font-variant-numeric: tabular-nums;
  }
  .totals .num {
    text-align: end;
  }
  .totals .total {
    font-size: 1.8em;
    font-weight: 800;
  }
  .totals .saving {
    color: #0f5323;
  }
  /*
   * The function keys: two rows filled column after column, and the pay key at the end as tall
   * as both. A key added to .fkeys makes the next column (the columns share the width), so the
   * bar keeps its height and the pay key its place however many keys there are.
   */
  .keys {
    flex: none;
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(8em, 16%);
    gap: 0.5em;
    padding: 0 1em 0.6em;
  }
  .fkeys {
    display: grid;
    grid-auto-flow: column;
    grid-template-rows: repeat(2, minmax(var(--hg-touch), auto));
    grid-auto-columns: minmax(0, 1fr);
    gap: 0.5em;
  }
  .keys button {
    flex-direction: column;
    gap: 0;
    padding: 0.2em 0.4em;
    line-height: 1.2;
  }
  .keys button.primary {
    font-size: 1.3em;
  }
  .notice {
    padding: 0.5em 0.8em;
    border-radius: calc(var(--hg-radius) * 0.75);
    background: #fff4d6;
    border: 1px solid #f0d48a;
  }
`;
