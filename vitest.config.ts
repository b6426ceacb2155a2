/**
 * Vitest: unit tests beside the code, database tests on every database mode that
 * tests/global-setup.ts prepares once per run (embedded PGlite, and a throwaway real PostgreSQL +
 * PostGIS cluster where one is installed; both required with CI=true).
 */
import { defineConfig } from 'vitest/config';

// CI (.ci/run) also gets a JSON report, from which it prints a one-line "N passed, N failed" summary.
const ci = /^(1|true)$/i.test(process.env.CI ?? '');

export default defineConfig({
  test: {
    environment: 'node',
    include: ['server/**/*.spec.ts', 'scripts/**/*.spec.ts', 'tests/**/*.spec.ts', 'client/**/*.spec.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // Child processes, not threads: each embedded PostgreSQL holds ~1 GB of WebAssembly memory.
    pool: 'forks',
    // Two cores on every machine (developers and CI): more workers only thrash.
    maxWorkers: 2,
    // Opening an embedded database takes 2–7 s; database tests open theirs in beforeAll.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // Seeding Xianlin in both modes runs in globalSetup, which has no timeout of its own.
    slowTestThreshold: 5_000,
    reporters: ci ? ['default', 'json'] : ['default'],
    outputFile: ci ? { json: 'test-artifacts/vitest-results.json' } : undefined,
  },
});
