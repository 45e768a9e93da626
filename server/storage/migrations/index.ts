import type { Migration } from '../migrator.js';
import { foundation } from './0001_foundation.js';

/** Every migration, oldest first. Forward only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [foundation];
