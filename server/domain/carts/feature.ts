import type { Feature } from '../feature.js';
import { cartsCommands } from './commands.js';

/** The tills' open carts (WebSocket only). */
export const cartsFeature: Feature = { name: 'carts', routes: [], commands: cartsCommands };
