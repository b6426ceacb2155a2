import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSafeDatabaseName, probePostgresInstallation, postgresUrl } from './postgres-cluster.js';

describe('probePostgresInstallation', () => {
  let dir: string;

  /** A fake PostgreSQL bin directory whose pg_config points at shareDir. */
  function fakeBinDir(name: string, shareDir: string): string {
    const bin = path.join(dir, name);
    fs.mkdirSync(bin, { recursive: true });
    const script = (body: string) => `#!/bin/sh\n${body}\n`;
    fs.writeFileSync(path.join(bin, 'pg_ctl'), script('exit 0'), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'initdb'), script('exit 0'), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'postgres'), script('echo "postgres (PostgreSQL) 15.99"'), { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'pg_config'), script(`echo "${shareDir}"`), { mode: 0o755 });
    return bin;
  }

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-probe-spec-'));
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reports a missing PostgreSQL', () => {
    const probe = probePostgresInstallation({ PATH: path.join(dir, 'nothing-here') }, [path.join(dir, 'no-such-bin')]);
    expect(probe).toEqual({ found: false, reason: expect.stringMatching(/pg_ctl\/initdb not found/) });
  });

  it('reports a PostgreSQL without PostGIS', () => {
    const share = path.join(dir, 'share-without-postgis');
    fs.mkdirSync(path.join(share, 'extension'), { recursive: true });
    const bin = fakeBinDir('bin-without-postgis', share);
    const probe = probePostgresInstallation({ PATH: '' }, [bin]);
    expect(probe.found).toBe(false);
    expect(!probe.found && probe.reason).toMatch(/15\.99.*not PostGIS/);
  });

  it('finds a PostgreSQL with PostGIS, on PATH too', () => {
    const share = path.join(dir, 'share-with-postgis');
    fs.mkdirSync(path.join(share, 'extension'), { recursive: true });
    fs.writeFileSync(path.join(share, 'extension', 'postgis.control'), "default_version = '3.3.2'\n");
    const bin = fakeBinDir('bin-with-postgis', share);
    const probe = probePostgresInstallation({ PATH: bin }, []);
    expect(probe).toEqual({
      found: true,
      installation: { binDir: bin, version: 'postgres (PostgreSQL) 15.99', postgisControl: path.join(share, 'extension', 'postgis.control') },
    });
  });
});

describe('database names', () => {
  it('accepts only plain lower-case identifiers', () => {
    expect(assertSafeDatabaseName('gridops_test_12_3_ab9')).toBe('gridops_test_12_3_ab9');
    for (const bad of ['', 'Gridops', 'a"; DROP DATABASE x; --', '1abc', 'a-b', 'x'.repeat(64)]) {
      expect(() => assertSafeDatabaseName(bad)).toThrow(/not a safe database name/);
    }
    expect(() => postgresUrl(5432, 'a b')).toThrow();
    expect(postgresUrl(5432, 'gridops')).toBe('postgres://postgres@127.0.0.1:5432/gridops');
  });
});
