import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['server/**/*.test.ts', 'kiosk/**/*.test.ts', 'bridge/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // One worker on these 2 cores runs the files one after another; without isolation it keeps
    // the server's modules loaded between them (~1.8 s of imports a file otherwise, a quarter
    // of the suite). No test mocks a module or changes process.env; the few that spy on a method
    // or swap a global put it back.
    isolate: false,
    reporters: ['default', './scripts/stalled-test-reporter.ts'],
  },
});
