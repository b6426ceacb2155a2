/**
 * The live topic `stats` end to end, on every database mode: an intake through the real route reaches a Xianlin wall
 * as a stats change (not a Xuanwu dispatcher), and when it arrives the summary already counts the new case (the
 * rollups moved in the intake's own commit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { openLive } from '../../tests/support/live-test-support.js';
import type { ServerMessage } from '../live/live-protocol.js';
import { screenTokenHeaders, signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import { shanghaiDate } from './stats-period.js';

const pickPlace = defineSql(
  'test.stats_live_place',
  `SELECT code, ST_X(label_point) AS lon, ST_Y(label_point) AS lat FROM units WHERE level = 'micro_grid' AND street_code = '320113007' ORDER BY code LIMIT 1`,
);

describe.each(testDatabaseModes())('stats live topic on %s', (mode) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer(mode);
  }, 120_000);
  afterAll(() => server?.close());

  it('announces an intake to the walls of its jurisdiction, with the figures already counting it', async () => {
    const [place] = await server.db.query<{ code: string; lon: number; lat: number }>(pickPlace);
    const wall = await screenTokenHeaders(server.db, '320113007');
    const dispatcher = await signIn(server.baseUrl, 'dispatcher.xianlin');
    const xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
    const mine = await openLive(server.baseUrl, { authorization: wall.authorization });
    const other = await openLive(server.baseUrl, { cookie: xuanwu.cookie, origin: server.baseUrl });
    try {
      for (const socket of [mine, other]) {
        socket.send({ op: 'subscribe', topic: 'stats', since: null });
        const snapshot = await socket.waitFor((m) => m.type === 'snapshot' && m.topic === 'stats');
        expect(snapshot).toMatchObject({ items: [], truncated: false });
      }
      const today = shanghaiDate(new Date());
      const summary = async () =>
        (await (await fetch(`${server.baseUrl}/api/stats/summary?unit=320113007&period=day&date=${today}`, { headers: wall })).json()) as {
          totals: { incidents: number };
        };
      const before = (await summary()).totals.incidents;
      const res = await fetch(`${server.baseUrl}/api/incidents`, {
        method: 'POST',
        headers: { ...dispatcher, 'content-type': 'application/json' },
        body: JSON.stringify({ category: 'public_order', description: '统计直播测试', lon: place.lon, lat: place.lat }),
      });
      expect(res.status).toBe(201);
      const id = ((await res.json()) as { incident: { id: number } }).incident.id;
      const isMine = (m: ServerMessage) => m.type === 'delta' && m.topic === 'stats' && m.items.some((i) => 'incidentId' in i && i.incidentId === id);
      const delta = (await mine.waitFor(isMine)) as Extract<ServerMessage, { type: 'delta'; topic: 'stats' }>;
      expect(delta.items.find((i) => i.incidentId === id)).toMatchObject({ microGridCode: place.code, day: today, kind: 'reported' });
      expect((await summary()).totals.incidents).toBe(before + 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(other.messages.some(isMine)).toBe(false);
    } finally {
      mine.close();
      other.close();
    }
  }, 60_000);
});
