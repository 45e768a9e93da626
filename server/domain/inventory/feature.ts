import type { Feature } from '../feature.js';
import { inventoryCommands } from './commands.js';
import { inventoryRoutes } from './routes.js';

/** Inventory: receipts, adjustments, transfers and stocktakes on the stock ledger. */
export const inventoryFeature: Feature = {
  name: 'inventory',
  routes: inventoryRoutes,
  commands: inventoryCommands,
};
