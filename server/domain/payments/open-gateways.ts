import type { AppContext } from '../../context.js';
import type { PaymentProvider } from '../../protocol/payments.js';
import type { Gateway } from './provider.js';
import type { PaymentSimulator } from './simulator/server.js';

/*
 * The gateways a server has open, apart from how they are made (gateways.ts): the 收钱吧 check-in
 * (upay-checkin.ts), which gateways.ts calls on, drops them when the key changed.
 */

/** The gateways of one running server, and the simulator behind them when configured so. */
export interface Gateways {
  /** Live, a provider whose keys were never saved has none. */
  byProvider: Partial<Record<PaymentProvider, Gateway>>;
  simulator: PaymentSimulator | null;
}

/** Per server, made on first use (`gatewaysOf`). */
export const openedGateways = new WeakMap<AppContext, Promise<Gateways>>();

/** Stops the simulator, if one was started for this server. */
export async function closeGateways(ctx: AppContext): Promise<void> {
  const gateways = openedGateways.get(ctx);
  openedGateways.delete(ctx);
  if (gateways) await (await gateways).simulator?.stop();
}
