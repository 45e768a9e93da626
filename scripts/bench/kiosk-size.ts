/**
 * Gzipped JavaScript per screen: builds the kiosk into a temporary folder with a manifest and
 * adds up, for each screen, its entry chunk and every chunk it imports statically (what the
 * browser must fetch before the screen can draw). Goal from issue 6: checkout under 150 KB.
 *
 * `npx tsx scripts/bench/kiosk-size.ts`, or `npm run bench -- --filter kiosk-size`.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const SCREENS = ['checkout', 'display', 'lookup', 'admin', 'join'] as const;
const GOAL_KB = { checkout: 150 } as Partial<Record<(typeof SCREENS)[number], number>>;
const CONFIG = resolve(import.meta.dirname, '../../kiosk/vite.config.ts');

interface ManifestChunk {
  file: string;
  imports?: string[];
  css?: string[];
  isEntry?: boolean;
}

export interface ScreenSize {
  screen: string;
  files: number;
  rawBytes: number;
  gzipBytes: number;
}

/** Builds the kiosk and measures each screen's statically loaded JavaScript. */
export async function measureKioskSize(): Promise<ScreenSize[]> {
  const outDir = mkdtempSync(join(tmpdir(), 'hanger-kiosk-size-'));
  try {
    await build({
      configFile: CONFIG,
      logLevel: 'silent',
      build: { outDir, emptyOutDir: true, manifest: true },
    });
    const manifest = JSON.parse(readFileSync(join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<
      string,
      ManifestChunk
    >;
    return SCREENS.map((screen) => {
      const key = Object.keys(manifest).find((k) => k === `${screen}/index.html`);
      if (!key) throw new Error(`no entry for ${screen} in the manifest`);
      const files = new Set<string>();
      const visit = (id: string): void => {
        const chunk = manifest[id];
        if (!chunk) return;
        if (chunk.file.endsWith('.js')) files.add(chunk.file);
        for (const imported of chunk.imports ?? []) visit(imported);
      };
      visit(key);
      let rawBytes = 0;
      let gzipBytes = 0;
      for (const file of files) {
        const bytes = readFileSync(join(outDir, file));
        rawBytes += bytes.length;
        gzipBytes += gzipSync(bytes, { level: 9 }).length;
      }
      return { screen, files: files.size, rawBytes, gzipBytes };
    });
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/** Prints the table; returns nothing and judges nothing (figures, not a test). */
export async function printKioskSize(): Promise<void> {
  const sizes = await measureKioskSize();
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  console.log('\nkiosk-size — gzipped JavaScript per screen (entry + static imports)');
  console.log(
    `${'screen'.padEnd(10)}${'files'.padStart(6)}${'raw'.padStart(12)}${'gzip'.padStart(12)}  goal`,
  );
  for (const size of sizes) {
    const goal = GOAL_KB[size.screen as keyof typeof GOAL_KB];
    const verdict =
      goal === undefined ? '' : `< ${goal} KB ${size.gzipBytes / 1024 < goal ? 'met' : 'NOT met'}`;
    console.log(
      `${size.screen.padEnd(10)}${String(size.files).padStart(6)}${kb(size.rawBytes).padStart(12)}${kb(size.gzipBytes).padStart(12)}  ${verdict}`,
    );
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await printKioskSize();
