import { svg } from 'lit';

/** A drawn coat hanger: what stands for a garment that has no photo yet. */
export const hangerArt = svg`<svg viewBox="0 0 64 64" aria-hidden="true"><path d="M32 10a6 6 0 1 1 6 6c-3 0-6 2-6 5v3L6 44c-3 2-2 6 2 6h48c4 0 5-4 2-6L32 24" fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"/></svg>`;
