/**
 * Vitest: unit tests beside the code, database tests on every database mode that
 * tests/global-setup.ts prepares once per run (embedded PGlite, and a throwaway real PostgreSQL +
 * PostGIS cluster where one is installed; both required with CI=true).
 *
 * Two projects: everything but the browser specs first (two files at a time), then the browser specs
 * one file at a time. A browser spec drives software-rendered WebGL and decodes video on the CPU: two
 * of them side by side on two cores starve each other's clocks (a dispatch waiting 150 s behind the
 * video wall), which is what the browser targets must not be measured against.
 */
import { defineConfig } from 'vitest/config';

// CI (.ci/run) also gets a JSON report, from which it prints a one-line "N passed, N failed" summary.
const ci = /^(1|true)$/i.test(process.env.CI ?? '');
const BROWSER_SPECS = 'tests/browser/**/*.spec.ts';

export default defineConfig({
  test: {
    environment: 'node',
    // Run once per project, but prepared once per run: tests/global-setup.ts shares the databases.
    globalSetup: ['tests/global-setup.ts'],
    // Child processes, not threads: each embedded PostgreSQL holds ~1 GB of WebAssembly memory.
    pool: 'forks',
    // Opening an embedded database takes 2–7 s; database tests open theirs in beforeAll.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // Seeding Xianlin in both modes runs in globalSetup, which has no timeout of its own.
    slowTestThreshold: 5_000,
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: 'test-artifacts/vitest-results.json' } : undefined,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit-and-database',
          include: ['server/**/*.spec.ts', 'scripts/**/*.spec.ts', 'tests/**/*.spec.ts', 'client/**/*.spec.ts'],
          exclude: ['**/node_modules/**', BROWSER_SPECS],
          // Two cores on every machine (developers and CI): more workers only thrash.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: [BROWSER_SPECS],
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
