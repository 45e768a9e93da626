import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/** One page per screen; the server serves `dist/<screen>/index.html` at `/<screen>`. */
const SCREENS = ['checkout', 'display', 'lookup', 'admin', 'join'] as const;

export default defineConfig({
  root,
  base: '/',
  publicDir: false,
  // Vite 8 compiles TypeScript with Oxc, which takes `experimentalDecorators` and
  // `useDefineForClassFields: false` from this file. Lit's decorators need both: without the
  // first, Oxc leaves `@customElement(…)` in the output untouched and the browser cannot parse
  // it; without the second, class fields shadow Lit's reactive accessors. Named here so that
  // Vite and `tsc` always read the same file.
  tsconfig: resolve(root, '../tsconfig.json'),
  build: {
    outDir: resolve(root, 'dist'),
    emptyOutDir: true,
    // The screens run in Chromium, which preloads modules by itself.
    modulePreload: { polyfill: false },
    rolldownOptions: {
      input: Object.fromEntries(SCREENS.map((screen) => [screen, resolve(root, screen, 'index.html')])),
      // Lit, i18next, the catalogues and the shared elements: one chunk every screen loads.
      output: {
        codeSplitting: {
          groups: [
            // Chart.js only for the admin page's reports: kept out of what the kiosks load.
            { name: 'charts', test: /\/node_modules\/(chart\.js|@kurkle)\//, priority: 1 },
            { name: 'shared', test: /\/(node_modules|kiosk\/src\/(components|data|i18n|styles))\// },
          ],
        },
      },
    },
  },
});
