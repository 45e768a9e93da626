import { auditFeature } from './audit/feature.js';
import { cartsFeature } from './carts/feature.js';
import { catalogFeature } from './catalog/feature.js';
import { chainLinkFeature } from './chain-link/feature.js';
import { devicesFeature } from './devices/feature.js';
import type { Feature } from './feature.js';
import { feedbackFeature } from './feedback/feature.js';
import { inventoryFeature } from './inventory/feature.js';
import { loyaltyFeature } from './loyalty/feature.js';
import { marketingFeature } from './marketing/feature.js';
import { membersFeature } from './members/feature.js';
import { paymentsFeature } from './payments/feature.js';
import { reportsFeature } from './reports/feature.js';
import { salesFeature } from './sales/feature.js';
import { shiftsFeature } from './shifts/feature.js';
import { staffFeature } from './staff/feature.js';
import { storeFeature } from './store/feature.js';

/**
 * The store's domains, each declared in its own `feature.ts`. Routes mount in this order (a
 * literal path must come before a `:param` one of another domain that would match it), and
 * workers start in this order and stop in reverse. `pricing` is a pure engine the sales use:
 * it serves nothing and runs nothing, so it is not on the list.
 */
export const FEATURES: readonly Feature[] = [
  chainLinkFeature,
  staffFeature,
  devicesFeature,
  auditFeature,
  catalogFeature,
  inventoryFeature,
  membersFeature,
  loyaltyFeature,
  paymentsFeature,
  salesFeature,
  cartsFeature,
  shiftsFeature,
  marketingFeature,
  reportsFeature,
  feedbackFeature,
  storeFeature,
];
