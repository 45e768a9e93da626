import { css } from 'lit';

/**
 * The controls every screen shares: buttons, fields, tables and a visible focus ring. Sizes
 * follow `--hg-touch`, so the same rules make 36 px targets on the admin laptop and 88 px ones
 * on the kiosk.
 */
export const controls = css`
  :host {
    --hg-focus: 3px solid var(--hg-focus-color, #0b57d0);
  }
  button,
  .button {
    box-sizing: border-box;
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: 0.4em;
    min-height: var(--hg-touch);
    min-width: var(--hg-touch);
    padding: 0 1em;
    border: 1px solid var(--hg-line-strong, #8c8379);
    border-radius: calc(var(--hg-radius) * 0.75);
    background: var(--hg-surface);
    color: var(--hg-ink);
    font: inherit;
    cursor: pointer;
    text-decoration: none;
  }
  button.primary,
  .button.primary {
    background: var(--hg-accent);
    border-color: var(--hg-accent);
    color: var(--hg-accent-ink);
    font-weight: 600;
  }
  button.danger {
    background: var(--hg-danger);
    border-color: var(--hg-danger);
    color: #ffffff;
  }
  button.link {
    border-color: transparent;
    background: transparent;
    color: var(--hg-accent);
    text-decoration: underline;
    padding: 0 0.4em;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  :focus-visible,
  /* A date field's focus sits in its day, month or year part: the field itself shows it. */
  input:focus,
  select:focus,
  textarea:focus {
    outline: var(--hg-focus);
    outline-offset: 2px;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: 0.3em;
    font-weight: 600;
  }
  label.inline {
    flex-direction: row;
    align-items: center;
    font-weight: 400;
  }
  input,
  select,
  textarea {
    box-sizing: border-box;
    min-height: var(--hg-touch);
    padding: 0 0.6em;
    border: 1px solid var(--hg-line-strong, #8c8379);
    border-radius: calc(var(--hg-radius) * 0.5);
    background: var(--hg-surface);
    color: var(--hg-ink);
    font: inherit;
    font-weight: 400;
  }
  textarea {
    padding: 0.5em 0.6em;
  }
  input[type='checkbox'] {
    min-height: auto;
    width: 1.25em;
    height: 1.25em;
  }
  input[aria-invalid='true'] {
    border-color: var(--hg-danger);
    border-width: 2px;
  }
  .field-error {
    color: var(--hg-danger);
    font-weight: 400;
    font-size: 0.9em;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  th,
  td {
    padding: 0.5em 0.6em;
    text-align: start;
    border-bottom: 1px solid var(--hg-line);
    vertical-align: middle;
  }
  th {
    color: var(--hg-muted);
    font-weight: 600;
    font-size: 0.9em;
  }
  td.num,
  th.num {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  .card {
    box-sizing: border-box;
    padding: 1.25em 1.5em;
    background: var(--hg-surface);
    border: 1px solid var(--hg-line);
    border-radius: var(--hg-radius);
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 0.75em;
    align-items: flex-end;
  }
  .nowrap {
    white-space: nowrap;
  }
  td.detail {
    overflow-wrap: anywhere;
  }
  .spaced {
    margin-top: 1em;
  }
  .muted {
    color: var(--hg-muted);
  }
  .ok {
    color: var(--hg-ok);
  }
  .badge {
    display: inline-block;
    padding: 0.1em 0.6em;
    border-radius: 999px;
    background: var(--hg-page);
    border: 1px solid var(--hg-line);
    font-size: 0.85em;
    white-space: nowrap;
  }
  .badge.bad {
    background: #fdecea;
    border-color: #f5c2bd;
    color: #8e1c12;
  }
  .badge.good {
    background: #e6f4ea;
    border-color: #b7dfc2;
    color: #0f5323;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
