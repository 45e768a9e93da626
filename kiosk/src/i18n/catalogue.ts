import type { zhCN } from './zh-CN.js';

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };

type Paths<T, Prefix extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${Prefix}${K}` : Paths<T[K], `${Prefix}${K}.`>;
}[keyof T & string];

/** The shape every catalogue has: the zh-CN one with its strings widened. */
export type Catalogue = Widen<typeof zhCN>;

/** A dotted key into the catalogue, e.g. `screen.checkout`. */
export type MessageKey = Paths<Catalogue>;
