import type { Compilable, CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.js';
import { runDirect } from './sqlite-direct.js';

/** Stands for the value named `name` in a hot query's build; it fits any column. */
export type Value = (name: string) => never;

/** What a value's stand-in is made of: no text a till or a shop sends begins with a NUL. */
const MARK = '\u0000hot-query:';

const value: Value = (name) => `${MARK}${name}` as never;

/** A compiled query and, for each of its parameters, the name of its value (null: fixed). */
interface Kept<Row> {
  query: CompiledQuery<Row>;
  names: (string | null)[];
}

/**
 * The most shapes one hot query keeps per engine, and the most parameters a kept one has: a
 * query of another shape, or a bulk one (a delivery's thousand SKUs), is built each time — its
 * building is small beside its work, and keeping it would hold megabytes.
 */
const MAX_SHAPES = 64;
const MAX_KEPT_PARAMETERS = 512;

/**
 * A query on a hot path — a sale's reads and writes, a token's lookup — built and compiled once
 * per database and shape, then run with new values. Kysely's building and compiling took
 * ~0.4 ms of each sale at chain size (CPU profile), more than SQLite took to run most of its
 * statements. `build` makes the query with `value(name)` wherever a value goes; what else it
 * makes may depend on `shape` only (how many SKUs, whether rows are locked), and each shape is
 * built once. Kept per database engine (Kysely's adapter: a write transaction shares its
 * database's), as the compiled text is that engine's. On SQLite it runs without Kysely's
 * executor where it may (`sqlite-direct.ts`).
 */
export function hotQuery<Row, Shape extends string | number | boolean = ''>(
  build: (db: Kysely<Database>, value: Value, shape: Shape) => Compilable<Row>,
) {
  const kept = new WeakMap<object, Map<Shape, Kept<Row>>>();
  const compile = (db: Kysely<Database>, shape: Shape): Kept<Row> => {
    const engine = db.getExecutor().adapter;
    let shapes = kept.get(engine);
    if (!shapes) {
      shapes = new Map();
      kept.set(engine, shapes);
    }
    let one = shapes.get(shape);
    if (!one) {
      const query = build(db, value, shape).compile();
      const names = query.parameters.map((parameter) =>
        typeof parameter === 'string' && parameter.startsWith(MARK) ? parameter.slice(MARK.length) : null,
      );
      one = { query, names };
      if (shapes.size < MAX_SHAPES && query.parameters.length <= MAX_KEPT_PARAMETERS) shapes.set(shape, one);
    }
    return one;
  };
  const all = async (
    db: Kysely<Database>,
    values: Readonly<Record<string, unknown>>,
    shape = '' as Shape,
  ): Promise<Row[]> => {
    const { query, names } = compile(db, shape);
    const parameters = query.parameters.map((fixed, i) => {
      const name = names[i];
      if (name === null || name === undefined) return fixed;
      if (!(name in values)) throw new Error(`A hot query was run without its value ${name}.`);
      return values[name];
    });
    const compiled = { ...query, parameters };
    return runDirect(db, compiled) ?? (await db.executeQuery<Row>(compiled)).rows;
  };
  return {
    all,
    first: async (db: Kysely<Database>, values: Readonly<Record<string, unknown>>, shape?: Shape) =>
      (await all(db, values, shape))[0],
  };
}
