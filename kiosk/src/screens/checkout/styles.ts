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
