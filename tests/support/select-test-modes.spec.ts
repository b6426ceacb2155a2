import { describe, expect, it } from 'vitest';
import type { InstallationProbe } from './postgres-cluster.js';
import { isCiEnvironment, selectTestModes, TestModeError } from './select-test-modes.js';

const installed: InstallationProbe = {
  found: true,
  installation: { binDir: '/usr/lib/postgresql/15/bin', version: 'postgres (PostgreSQL) 15.18', postgisControl: '/x/postgis.control' },
};
const missing: InstallationProbe = { found: false, reason: 'pg_ctl/initdb not found' };
const never = (): InstallationProbe => {
  throw new Error('probed PostgreSQL although the postgres mode was not asked for');
};

describe('selectTestModes', () => {
  it('runs both modes where PostgreSQL and PostGIS are installed, locally and in CI', () => {
    for (const env of [{}, { CI: 'true' }]) {
      const selection = selectTestModes(env, () => installed);
      expect(selection.embedded).toBe(true);
      expect(selection.postgres).toBe(installed.found && installed.installation);
      expect(selection.notices).toEqual([]);
    }
  });

  it('fails in CI when PostgreSQL/PostGIS is missing, naming what is missing', () => {
    for (const CI of ['true', 'TRUE', '1']) {
      expect(() => selectTestModes({ CI }, () => missing)).toThrow(TestModeError);
      expect(() => selectTestModes({ CI }, () => missing)).toThrow(/CI=true.*pg_ctl\/initdb not found.*postgresql-15-postgis-3/);
    }
  });

  it('runs the embedded mode alone locally when PostgreSQL is missing, and says so', () => {
    const selection = selectTestModes({ CI: 'false' }, () => missing);
    expect(selection.embedded).toBe(true);
    expect(selection.postgres).toBeUndefined();
    expect(selection.notices).toHaveLength(1);
    expect(selection.notices[0]).toMatch(/only the embedded mode runs/);
  });

  it('lets a developer narrow the run with TEST_DATABASE_MODES, but not CI', () => {
    const embeddedOnly = selectTestModes({ TEST_DATABASE_MODES: 'embedded' }, never);
    expect(embeddedOnly.embedded).toBe(true);
    expect(embeddedOnly.postgres).toBeUndefined();
    expect(embeddedOnly.notices[0]).toMatch(/excludes postgres/);
    const postgresOnly = selectTestModes({ TEST_DATABASE_MODES: 'postgres' }, () => installed);
    expect(postgresOnly.embedded).toBe(false);
    expect(postgresOnly.postgres).toBeDefined();
    expect(selectTestModes({ TEST_DATABASE_MODES: ' postgres , embedded ' }, () => installed).embedded).toBe(true);
    expect(() => selectTestModes({ CI: 'true', TEST_DATABASE_MODES: 'embedded' }, () => installed)).toThrow(/not allowed with CI=true/);
  });

  it('refuses unknown modes and a postgres-only run without PostgreSQL', () => {
    expect(() => selectTestModes({ TEST_DATABASE_MODES: 'sqlite' }, () => installed)).toThrow(/unknown mode "sqlite"/);
    expect(() => selectTestModes({ TEST_DATABASE_MODES: 'postgres' }, () => missing)).toThrow(/pg_ctl\/initdb not found/);
  });
});

describe('isCiEnvironment', () => {
  it('reads CI=true and CI=1 only', () => {
    expect(isCiEnvironment({ CI: 'true' })).toBe(true);
    expect(isCiEnvironment({ CI: '1' })).toBe(true);
    expect(isCiEnvironment({ CI: 'false' })).toBe(false);
    expect(isCiEnvironment({ CI: '' })).toBe(false);
    expect(isCiEnvironment({})).toBe(false);
  });
});
