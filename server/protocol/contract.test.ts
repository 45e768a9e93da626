import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The protocol folder is the contract: it depends on nothing else in the server, the bridge and
 * the screens reach the server through it alone, and the server's files import in one direction
 * (no circle). The import graph is read from the import statements, type imports included.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tsFiles(folder: string): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).replaceAll('\\', '/'))
    .filter((file) => !file.split('/').includes('node_modules'));
}

/** `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`. */
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'"`]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function specifiers(file: string): string[] {
  const source = readFileSync(join(root, file), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  return [...source.matchAll(IMPORT)].map((match) => match[1] ?? match[2] ?? match[3] ?? '');
}

/** A relative import resolved to a file of the repository (`./x.js` → `dir/x.ts`); a package stays as named. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  const path = relative(root, resolve(root, dirname(file), specifier)).replaceAll('\\', '/');
  return path.replace(/\.js$/, '.ts');
}

interface Edge {
  from: string;
  to: string;
}

function edges(files: string[]): Edge[] {
  return files.flatMap((from) =>
    specifiers(from).map((specifier) => ({ from, to: target(from, specifier) })),
  );
}

const isTest = (file: string) => file.endsWith('.test.ts') || file.split('/').includes('testing');

/** Every circle of the graph, each once (Tarjan's strongly connected components of more than one file, or a self-import). */
function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next);
    next += 1;
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node) ?? 0, low.get(to) ?? 0));
      } else if (onStack.has(to)) {
        low.set(node, Math.min(low.get(node) ?? 0, index.get(to) ?? 0));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the protocol folder is the contract', () => {
  const server = tsFiles('server');

  it('protocol/ imports nothing but itself and zod', () => {
    const outside = edges(
      server.filter((file) => file.startsWith('server/protocol/') && !isTest(file)),
    ).filter(({ to }) => !to.startsWith('server/protocol/') && to !== 'zod');
    expect(outside).toEqual([]);
  });

  it('the bridge and the screens import the server only through protocol/', () => {
    // The bridge also reads the shop's config.json with the server's own loader: the file on disk
    // is a contract of its own, and server/config/ imports nothing else of the server (checked below).
    const allowed = (from: string, to: string) =>
      to.startsWith('server/protocol/') || (from.startsWith('bridge/') && to.startsWith('server/config/'));
    const files = [...tsFiles('bridge'), ...tsFiles('kiosk/src')].filter((file) => !isTest(file));
    const outside = edges(files).filter(({ from, to }) => to.startsWith('server/') && !allowed(from, to));
    expect(outside).toEqual([]);
  });

  it('server/config/ imports nothing else of the server', () => {
    const config = server.filter((file) => file.startsWith('server/config/') && !isTest(file));
    const outside = edges(config).filter(
      ({ to }) => to.startsWith('server/') && !to.startsWith('server/config/'),
    );
    expect(outside).toEqual([]);
  });

  it('no circle among the server files', () => {
    const graph = new Map<string, string[]>();
    for (const { from, to } of edges(server)) {
      if (!to.startsWith('server/')) continue;
      graph.set(from, [...(graph.get(from) ?? []), to]);
    }
    expect(circles(graph)).toEqual([]);
  });
});
