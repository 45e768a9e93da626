import type { Migration } from '../migrator.js';
import { foundation } from './0001_foundation.js';
import { catalog } from './0002_catalog.js';
import { members } from './0003_members.js';

/** Every migration, oldest first. Forward only: a released migration is never edited. */
export const MIGRATIONS: readonly Migration[] = [foundation, catalog, members];
