import type {
  LedgerCheck,
  LoyaltySettings,
  LoyaltySettingsView,
  LoyaltyTier,
  SettingKey,
} from '../../../server/protocol/loyalty.js';
import { type ApiAuth, call } from './http.js';

export type { LoyaltySettings, LoyaltyTier, SettingKey } from '../../../server/protocol/loyalty.js';

export function loyaltySettings(auth: ApiAuth): Promise<LoyaltySettingsView> {
  return call(auth, 'GET', '/api/loyalty/settings');
}

export function saveSetting<K extends SettingKey>(
  auth: ApiAuth,
  key: K,
  value: LoyaltySettings[K],
): Promise<LoyaltySettings> {
  return call<LoyaltySettings>(auth, 'PUT', `/api/loyalty/settings/${key}`, { body: value });
}

export function saveTier(auth: ApiAuth, tier: LoyaltyTier): Promise<unknown> {
  const { code, ...body } = tier;
  return call(auth, 'PUT', `/api/loyalty/tiers/${encodeURIComponent(code)}`, { body });
}

/** Runs the ledger check; the dashboard reads the member count from it. */
export function ledgerCheck(auth: ApiAuth): Promise<LedgerCheck> {
  return call(auth, 'GET', '/api/loyalty/ledger-check');
}
