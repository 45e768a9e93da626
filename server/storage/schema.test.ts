import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropDatabaseFor, openTestDatabase, testEngine } from '../testing/test-database.js';
import type { Storage } from './database.js';
import { MIGRATIONS } from './migrations/index.js';
import { migrate } from './migrator.js';

/** A column as both sides can say it: its kind of value and whether it may be null. */
interface Column {
  kind: 'text' | 'number';
  nullable: boolean;
  /** `Generated<…>`: an insert may leave it out, so the database must have a default for it. */
  generated: boolean;
}
type Tables = Map<string, Map<string, Column>>;

const SCHEMA_FILE = join(import.meta.dirname, 'schema.ts');

/** What one column's type in schema.ts says; a type this test does not know fails it by name. */
function columnOf(type: ts.TypeNode, where: string, generated = false): Column {
  if (ts.isTypeReferenceNode(type) && type.typeName.getText() === 'Generated' && type.typeArguments?.[0]) {
    return columnOf(type.typeArguments[0], where, true);
  }
  const parts = ts.isUnionTypeNode(type) ? type.types : [type];
  const nullable = parts.some(
    (part) => ts.isLiteralTypeNode(part) && part.literal.kind === ts.SyntaxKind.NullKeyword,
  );
  const kinds = new Set(
    parts
      .filter((part) => !(ts.isLiteralTypeNode(part) && part.literal.kind === ts.SyntaxKind.NullKeyword))
      .map((part) => {
        if (part.kind === ts.SyntaxKind.StringKeyword) return 'text';
        if (part.kind === ts.SyntaxKind.NumberKeyword) return 'number';
        if (ts.isLiteralTypeNode(part) && ts.isStringLiteral(part.literal)) return 'text';
        if (ts.isLiteralTypeNode(part) && ts.isNumericLiteral(part.literal)) return 'number';
        throw new Error(`${where}: schema.test.ts does not know the column type ${part.getText()}`);
      }),
  );
  if (kinds.size !== 1) throw new Error(`${where}: mixed column type ${type.getText()}`);
  return { kind: [...kinds][0] as Column['kind'], nullable, generated };
}

/** The tables and columns the `Database` interface of schema.ts declares, read with the TypeScript compiler. */
function declaredTables(): Tables {
  const source = ts.createSourceFile(
    SCHEMA_FILE,
    readFileSync(SCHEMA_FILE, 'utf8'),
    ts.ScriptTarget.Latest,
    true,
  );
  const interfaces = new Map(
    source.statements.filter(ts.isInterfaceDeclaration).map((node) => [node.name.text, node] as const),
  );
  const database = interfaces.get('Database');
  if (!database) throw new Error('schema.ts declares no Database interface');
  const tables: Tables = new Map();
  for (const member of database.members) {
    const table = member.name?.getText();
    if (!ts.isPropertySignature(member) || !member.type || !ts.isTypeReferenceNode(member.type)) {
      throw new Error(`Database.${table}: schema.test.ts reads only \`name: SomeTable\` members`);
    }
    const declaration = interfaces.get(member.type.typeName.getText());
    if (!declaration)
      throw new Error(`Database.${table}: no interface ${member.type.typeName.getText()} in schema.ts`);
    const columns = new Map<string, Column>();
    for (const column of declaration.members) {
      const name = column.name?.getText();
      if (!ts.isPropertySignature(column) || !column.type) {
        throw new Error(`${table}.${name}: schema.test.ts reads only \`column: type\` members`);
      }
      columns.set(column.name.getText(), columnOf(column.type, `${table}.${name}`));
    }
    tables.set(member.name.getText(), columns);
  }
  return tables;
}

/** A column as the engine reports it. */
interface BuiltColumn {
  type: string;
  nullable: boolean;
  key: boolean;
  /** Has a default (or is an auto-increment key). */
  defaulted: boolean;
}

/** The tables and columns the migrations built, as the engine reports them. */
async function builtTables(storage: Storage): Promise<Map<string, Map<string, BuiltColumn>>> {
  const tables = new Map<string, Map<string, BuiltColumn>>();
  const add = (table: string, name: string, column: BuiltColumn) => {
    const columns = tables.get(table) ?? new Map<string, BuiltColumn>();
    tables.set(table, columns.set(name, { ...column, type: column.type.toLowerCase() }));
  };
  if (storage.engine === 'sqlite') {
    const names = await sql<{ name: string }>`
      select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(storage.db);
    for (const { name } of names.rows) {
      const info = await sql<{
        name: string;
        type: string;
        notnull: number;
        pk: number;
        dflt_value: string | null;
      }>`
        select * from pragma_table_info(${name})`.execute(storage.db);
      for (const column of info.rows) {
        const key = column.pk > 0;
        add(name, column.name, {
          type: column.type,
          nullable: column.notnull === 0,
          key,
          defaulted: column.dflt_value !== null || (key && column.type.toLowerCase() === 'integer'),
        });
      }
    }
  } else {
    const info = await sql<{
      table_name: string;
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
      is_identity: string;
      key: boolean;
    }>`
      select c.table_name, c.column_name, c.data_type, c.is_nullable, c.column_default, c.is_identity,
             exists (select 1 from information_schema.key_column_usage k
                     join information_schema.table_constraints tc using (constraint_schema, constraint_name)
                     where tc.constraint_type = 'PRIMARY KEY' and k.table_schema = c.table_schema
                       and k.table_name = c.table_name and k.column_name = c.column_name) as key
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
      where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'`.execute(storage.db);
    for (const column of info.rows) {
      add(column.table_name, column.column_name, {
        type: column.data_type,
        nullable: column.is_nullable === 'YES',
        key: column.key,
        defaulted: column.column_default !== null || column.is_identity === 'YES',
      });
    }
  }
  return tables;
}

let dataDir: string;
let storage: Storage;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'hanger-schema-'));
  storage = await openTestDatabase(dataDir);
  await migrate(storage, MIGRATIONS, () => new Date());
});
afterAll(async () => {
  await storage.close();
  await dropDatabaseFor(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
});

/** The engine's names for each kind of value the migrations use. */
const ENGINE_TYPES: Record<Storage['engine'], Record<Column['kind'], readonly string[]>> = {
  sqlite: { text: ['text'], number: ['integer', 'real'] },
  postgres: {
    text: ['text', 'character varying'],
    number: ['integer', 'bigint', 'smallint', 'double precision', 'real', 'numeric'],
  },
};

/** Every way schema.ts and the built database differ, one line each. */
async function differences(declared: Tables): Promise<string[]> {
  const built = await builtTables(storage);
  const found: string[] = [];
  for (const table of declared.keys())
    if (!built.has(table)) found.push(`${table}: in schema.ts, not in the database`);
  for (const [table, columns] of built) {
    const wanted = declared.get(table);
    if (!wanted) {
      found.push(`${table}: in the database, not in schema.ts`);
      continue;
    }
    for (const name of wanted.keys())
      if (!columns.has(name)) found.push(`${table}.${name}: in schema.ts, not in the database`);
    for (const [name, column] of columns) {
      const want = wanted.get(name);
      if (!want) {
        found.push(`${table}.${name}: in the database, not in schema.ts`);
        continue;
      }
      if (!ENGINE_TYPES[storage.engine][want.kind].includes(column.type)) {
        found.push(`${table}.${name}: ${want.kind} in schema.ts, ${column.type} in the database`);
      }
      // A primary key is never null, though SQLite reports a text key as nullable.
      const nullable = column.nullable && !column.key;
      if (want.nullable !== nullable) {
        found.push(
          `${table}.${name}: ${want.nullable ? 'nullable' : 'not null'} in schema.ts, ${nullable ? 'nullable' : 'not null'} in the database`,
        );
      }
      if (want.generated && !column.defaulted) {
        found.push(`${table}.${name}: Generated in schema.ts, but the database has no default for it`);
      }
    }
  }
  return found;
}

describe(`schema.ts and the migrations (${testEngine})`, () => {
  it('every table and column of the Database interface exists with its type and nullability, and nothing more', async () => {
    expect(await differences(declaredTables())).toEqual([]);
  });
});
