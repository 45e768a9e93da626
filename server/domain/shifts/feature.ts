import type { Feature } from '../feature.js';
import { shiftsCommands, shiftsRoutes } from './routes.js';

/** Shifts: opening, cash moves, closing and the day's Z report. */
export const shiftsFeature: Feature = { name: 'shifts', routes: shiftsRoutes, commands: shiftsCommands };
