import { join } from 'node:path';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import type { PaymentProvider } from '../../protocol/payments.js';
import type { Gateway } from './provider.js';
import type { PaymentSimulator } from './simulator/server.js';

/** The gateways of one running server, and the simulator behind them when configured so. */
export interface Gateways {
  byProvider: Record<PaymentProvider, Gateway>;
  simulator: PaymentSimulator | null;
}

const running = new WeakMap<AppContext, Promise<Gateways>>();

/** Where the simulator keeps its keys and books: in the data folder, so it survives restarts. */
export function simulatorDir(ctx: AppContext): string {
  return join(ctx.dataDir, 'payment-simulator');
}

/**
 * Loaded on first use: the providers' SDKs (and axios under WeChat's) weigh on every start,
 * and a shop without mobile payment never needs them.
 */
async function open(ctx: AppContext): Promise<Gateways> {
  const { PaymentSimulator, simulatedGateways } = await import('./simulated.js');
  const simulator = new PaymentSimulator(simulatorDir(ctx));
  await simulator.start();
  return { byProvider: simulatedGateways(simulator), simulator };
}

/** Whether this server takes mobile payments at all. */
export function paymentsOn(ctx: AppContext): boolean {
  return ctx.config.payments.provider !== 'off';
}

/** This server's gateways, made (and the simulator started) on first use. */
export function gatewaysOf(ctx: AppContext): Promise<Gateways> {
  if (!paymentsOn(ctx)) {
    throw new ApiError('business_rule', 'Mobile payment is not set up on this server.', {
      'body.authCode': 'mobile payment is off (config payments.provider)',
    });
  }
  let gateways = running.get(ctx);
  if (!gateways) {
    gateways = open(ctx);
    running.set(ctx, gateways);
  }
  return gateways;
}

/** Stops the simulator, if one was started for this server. */
export async function closeGateways(ctx: AppContext): Promise<void> {
  const gateways = running.get(ctx);
  running.delete(ctx);
  if (gateways) await (await gateways).simulator?.stop();
}
