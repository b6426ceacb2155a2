/**
 * The vocabulary's groups partition the states, and the SQL function incident_is_open agrees with OPEN_STATES on
 * every state, on every database mode.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmptyTestDatabase, testDatabaseModes } from '../../tests/support/test-database.js';
import { defineSql, type Database } from '../db/database.js';
import { FINISHED_STATES, INCIDENT_STATES, isFinishedState, isOpenIncident, isOpenState, OPEN_STATES } from './incident-vocabulary.js';

const openInSql = defineSql('test.vocabulary_open_states', `SELECT s AS state, incident_is_open(s) AS open FROM unnest($1::text[]) AS s`);
const openIndexUsed = defineSql(
  'test.vocabulary_open_index_plan',
  `EXPLAIN (FORMAT JSON) SELECT id FROM incidents WHERE incident_is_open(state) AND category = 'city_management' ORDER BY reported_at LIMIT 5`,
);

describe('incident vocabulary', () => {
  it('splits the states into open and finished, each state in exactly one group', () => {
    expect([...OPEN_STATES, ...FINISHED_STATES].sort()).toEqual([...INCIDENT_STATES].sort());
    for (const state of INCIDENT_STATES) expect(isOpenState(state)).toBe(!isFinishedState(state));
    expect(OPEN_STATES).toContain('verified');
    expect(OPEN_STATES).toContain('evaluated');
    expect(FINISHED_STATES).toEqual(['closed', 'rejected']);
  });

  it("is the only way the server's SQL says open or finished (incident_is_open, not the states spelled out)", () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
    const spelled = /state\s+(NOT\s+)?IN\s*\(\s*'closed'\s*,\s*'rejected'\s*\)|state\s*(<>|=)\s*(ALL|ANY)\s*\(\s*'\{closed,\s*rejected\}'/i;
    const offenders = fs
      .readdirSync(root, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts') && !file.includes('test-support'))
      .filter((file) => spelled.test(fs.readFileSync(path.join(root, file), 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('calls no unknown state open', () => {
    expect(isOpenState('unknown')).toBe(false);
    expect(isOpenIncident({ state: '' })).toBe(false);
    expect(isOpenIncident({ state: 'on_scene' })).toBe(true);
  });
});

describe.each(testDatabaseModes())('incident_is_open on %s', (mode) => {
  let db: Database;
  beforeAll(async () => {
    db = await openEmptyTestDatabase(mode);
  });
  afterAll(() => db.close());

  it('agrees with OPEN_STATES on every state', async () => {
    const rows = await db.query<{ state: string; open: boolean }>(openInSql, [[...INCIDENT_STATES]]);
    expect(Object.fromEntries(rows.map((r) => [r.state, r.open]))).toEqual(Object.fromEntries(INCIDENT_STATES.map((s) => [s, isOpenState(s)])));
  });

  it('is inlined into the query, as the partial indexes of open cases need', async () => {
    // Sequential scans off: on an empty table the planner would otherwise be free to skip every index.
    const [row] = await db.withTransaction((tx) => tx.query<{ 'QUERY PLAN': unknown }>(openIndexUsed), {
      preamble: 'SET LOCAL enable_seqscan = off',
    });
    const plan = JSON.stringify(row['QUERY PLAN']);
    expect(plan).not.toContain('incident_is_open');
    expect(plan).toContain('incidents_open_idx');
  });
});
