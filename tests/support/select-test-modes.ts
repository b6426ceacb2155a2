/**
 * Which database modes a test run prepares: both by default; with CI=true both are required, so a
 * missing PostgreSQL/PostGIS fails the run instead of skipping; locally, TEST_DATABASE_MODES may
 * narrow the run and a missing PostgreSQL leaves the embedded mode alone, said in one line.
 */
import type { InstallationProbe, PostgresInstallation } from './postgres-cluster.js';
import type { TestDatabaseMode } from './test-databases-info.js';

const ALL_MODES: readonly TestDatabaseMode[] = ['embedded', 'postgres'];

export function isCiEnvironment(env: Record<string, string | undefined>): boolean {
  return /^(1|true)$/i.test(env.CI ?? '');
}

export interface ModeSelection {
  embedded: boolean;
  /** The installation to start a throwaway cluster from, when the postgres mode runs. */
  postgres?: PostgresInstallation;
  /** What to tell the person running the tests about a mode that does not run. */
  notices: string[];
}

export class TestModeError extends Error {}

export function selectTestModes(env: Record<string, string | undefined>, probe: () => InstallationProbe): ModeSelection {
  const ci = isCiEnvironment(env);
  const raw = env.TEST_DATABASE_MODES?.trim();
  let wanted: TestDatabaseMode[] = [...ALL_MODES];
  if (raw) {
    wanted = raw.split(',').map((m) => m.trim()) as TestDatabaseMode[];
    const unknown = wanted.filter((m) => !ALL_MODES.includes(m));
    if (unknown.length || wanted.length === 0) {
      throw new TestModeError(`TEST_DATABASE_MODES: unknown mode "${unknown.join(',')}" (use embedded, postgres, or embedded,postgres)`);
    }
    if (ci && ALL_MODES.some((m) => !wanted.includes(m))) {
      throw new TestModeError(`TEST_DATABASE_MODES=${raw} is not allowed with CI=true: CI runs the database tests on both modes`);
    }
  }
  const selection: ModeSelection = { embedded: wanted.includes('embedded'), notices: [] };
  if (!selection.embedded) selection.notices.push('TEST_DATABASE_MODES excludes embedded: only the postgres mode runs.');
  if (!wanted.includes('postgres')) {
    selection.notices.push('TEST_DATABASE_MODES excludes postgres: only the embedded mode runs.');
    return selection;
  }
  const found = probe();
  if (found.found) {
    selection.postgres = found.installation;
  } else if (ci) {
    throw new TestModeError(
      `CI=true but no PostgreSQL with PostGIS to test on: ${found.reason}. ` +
        'Database tests must also run on a real PostGIS in CI: apt-get install postgresql-15-postgis-3 (.ci/run does).',
    );
  } else if (!selection.embedded) {
    throw new TestModeError(`TEST_DATABASE_MODES=postgres but ${found.reason}`);
  } else {
    selection.notices.push(
      `no real PostgreSQL/PostGIS here (${found.reason}): only the embedded mode runs. Install postgresql-15-postgis-3 to test both.`,
    );
  }
  return selection;
}
