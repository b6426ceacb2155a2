/**
 * Live video on the seeded Xianlin subset, on every database mode: the demo streams looped as live, access
 * refused across jurisdictions (a 玄武区 dispatcher cannot open a 仙林街道 camera by its code), offline cameras,
 * and a production gateway (a local HTTP server standing in for ZLMediaKit/WVP) proxied with every address
 * checked to lie inside it.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineSql } from '../db/database.js';
import { signIn } from '../../tests/support/test-auth.js';
import { testDatabaseModes } from '../../tests/support/test-database.js';
import { startTestServer, type TestServer } from '../../tests/support/test-server.js';
import type { Answer, ApiErrorBody } from '../../tests/support/api-answer.js';
import type { cameraStreamRoute } from './cameras-contract.js';

const DEMO_DIR = path.resolve(import.meta.dirname, '../../data/video-demo');
const pickCameras = defineSql(
  'test.streams_cameras',
  `SELECT (SELECT code FROM cameras WHERE online AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1) AS online_code,
          (SELECT code FROM cameras WHERE online AND micro_grid_code LIKE '320113007%' ORDER BY code OFFSET 1 LIMIT 1) AS other_code,
          (SELECT code FROM cameras WHERE online AND micro_grid_code LIKE '320113007%' ORDER BY code OFFSET 2 LIMIT 1) AS third_code,
          (SELECT code FROM cameras WHERE NOT online AND micro_grid_code LIKE '320113007%' ORDER BY code LIMIT 1) AS offline_code`,
);
const setStreamUrl = defineSql('test.streams_set_url', `UPDATE cameras SET stream_url = $2 WHERE code = $1`);

describe.each(testDatabaseModes())('camera streams on %s', (mode) => {
  let server: TestServer;
  let xianlin: Record<string, string>;
  let xuanwu: Record<string, string>;
  let cams: { online_code: string; other_code: string; third_code: string; offline_code: string };
  const get = (url: string, headers: Record<string, string>) => fetch(url.startsWith('http') ? url : `${server.baseUrl}${url}`, { headers });

  beforeAll(async () => {
    server = await startTestServer(mode);
    [cams] = await server.db.query(pickCameras);
    xianlin = await signIn(server.baseUrl, 'dispatcher.xianlin');
    xuanwu = await signIn(server.baseUrl, 'dispatcher.xuanwu');
  });
  afterAll(() => server.close());

  it('serves a demo stream as a live playlist whose segments are the committed clip’s bytes', async () => {
    const stream = await get(`/api/cameras/${cams.online_code}/stream`, xianlin);
    expect(stream.status).toBe(200);
    const info = (await stream.json()) as Answer<typeof cameraStreamRoute>;
    expect(info).toMatchObject({ code: cams.online_code, online: true, source: 'demo', generated: true });
    expect(info.playlistUrl).toMatch(new RegExp(`^/api/cameras/${cams.online_code}/live/index\\.m3u8\\?origin=\\d+$`));
    const playlist = await get(info.playlistUrl, xianlin);
    expect(playlist.status).toBe(200);
    expect(playlist.headers.get('content-type')).toContain('application/vnd.apple.mpegurl');
    expect(playlist.headers.get('cache-control')).toBe('no-store');
    const text = await playlist.text();
    expect(text).toMatch(/^#EXTM3U\n/);
    expect(text).not.toContain('ENDLIST');
    // Numbered from the session's origin: small numbers for the player, whatever the date.
    expect(Number(/#EXT-X-MEDIA-SEQUENCE:(\d+)/.exec(text)![1])).toBeLessThan(20);
    expect(text).toContain('#EXT-X-DISCONTINUITY-SEQUENCE:0\n');
    // An origin that is not a loop start before the window is refused.
    const origin = Number(new URL(info.playlistUrl, server.baseUrl).searchParams.get('origin'));
    for (const bad of [`${origin + 1}`, `${origin + 600}`, 'x', '-6']) {
      const refused = await get(`/api/cameras/${cams.online_code}/live/index.m3u8?origin=${bad}`, xianlin);
      expect(refused.status, bad).toBe(400);
      expect(((await refused.json()) as ApiErrorBody).code).toBe('invalid_origin');
    }
    const uris = text.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(uris.length).toBeGreaterThanOrEqual(1);
    const last = uris[uris.length - 1];
    const k = Number(/^seg\/(\d+)\.ts$/.exec(last)![1]);
    const segment = await get(`/api/cameras/${cams.online_code}/live/${last}`, xianlin);
    expect(segment.status).toBe(200);
    expect(segment.headers.get('content-type')).toContain('video/mp2t');
    const bytes = Buffer.from(await segment.arrayBuffer());
    expect(bytes[0]).toBe(0x47); // MPEG-TS sync byte
    const clips = fs.readdirSync(DEMO_DIR).filter((n) => n.startsWith('clip-'));
    const matches = clips.filter((c) => fs.readFileSync(path.join(DEMO_DIR, c, `seg-${String(k % 6).padStart(3, '0')}.ts`)).equals(bytes));
    expect(matches).toHaveLength(1);
    // Far outside the live window: refused.
    expect((await get(`/api/cameras/${cams.online_code}/live/seg/${k + 100}.ts`, xianlin)).status).toBe(404);
  });

  it('refuses another jurisdiction’s camera by its code: stream, playlist and segment all 404 camera_not_found', async () => {
    for (const url of [
      `/api/cameras/${cams.online_code}/stream`,
      `/api/cameras/${cams.online_code}/live/index.m3u8`,
      `/api/cameras/${cams.online_code}/live/seg/1.ts`,
    ]) {
      const res = await get(url, xuanwu);
      expect(res.status, url).toBe(404);
      const body = (await res.json()) as ApiErrorBody;
      expect(body.code).toBe('camera_not_found');
      expect(JSON.stringify(body)).not.toContain('监控点');
    }
    expect((await get(`/api/cameras/${cams.online_code}/live/index.m3u8`, {})).status).toBe(401);
    expect(((await (await get('/api/cameras/..%2Fetc/stream', xianlin)).json()) as ApiErrorBody).code).toBe('invalid_camera_code');
  });

  it('says an offline camera is offline and serves it no video', async () => {
    const info = (await (await get(`/api/cameras/${cams.offline_code}/stream`, xianlin)).json()) as Answer<typeof cameraStreamRoute>;
    expect(info.online).toBe(false);
    const playlist = await get(`/api/cameras/${cams.offline_code}/live/index.m3u8`, xianlin);
    expect(playlist.status).toBe(409);
    expect(((await playlist.json()) as ApiErrorBody).code).toBe('camera_offline');
  });

  it('refuses a camera whose stream address is not the gateway’s, in demo mode', async () => {
    await server.db.query(setStreamUrl, [cams.other_code, 'http://10.1.2.3/live/x.m3u8']);
    const res = await get(`/api/cameras/${cams.other_code}/live/index.m3u8`, xianlin);
    expect(res.status).toBe(502);
    expect(((await res.json()) as ApiErrorBody).code).toBe('stream_outside_gateway');
    await server.db.query(setStreamUrl, [cams.other_code, null]);
  });

  it('proxies a production gateway, rewriting every URI through the server, and refuses addresses outside it', async () => {
    const clip = path.join(DEMO_DIR, 'clip-1');
    const gatewayHits: string[] = [];
    const gateway = http.createServer((req, res) => {
      gatewayHits.push(req.url!);
      if (req.url === '/live/EVIL.m3u8') return void res.end('#EXTM3U\n#EXTINF:2,\nhttp://127.0.0.2/steal.ts\n');
      const m3u8 = /^\/live\/([\w-]+)\.m3u8$/.exec(req.url!);
      if (m3u8) return void res.end(fs.readFileSync(path.join(clip, 'index.m3u8'), 'utf8').replace(/seg-/g, '/live/segments/seg-'));
      const seg = /^\/live\/segments\/(seg-\d{3}\.ts)$/.exec(req.url!);
      if (seg) {
        res.setHeader('content-type', 'video/mp2t');
        return void res.end(fs.readFileSync(path.join(clip, seg[1])));
      }
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const port = (gateway.address() as AddressInfo).port;
    const proxied = await startTestServer(mode, { db: server.db, env: { VIDEO_GATEWAY_URL: `http://127.0.0.1:${port}/live/{code}.m3u8` } });
    try {
      const headers = await signIn(proxied.baseUrl, 'dispatcher.xianlin');
      const info = (await (await get(`${proxied.baseUrl}/api/cameras/${cams.online_code}/stream`, headers)).json()) as Answer<
        typeof cameraStreamRoute
      >;
      expect(info).toMatchObject({ source: 'gateway', generated: false });
      const text = await (await get(`${proxied.baseUrl}${info.playlistUrl}`, headers)).text();
      const uris = text.split('\n').filter((l) => l && !l.startsWith('#'));
      expect(uris).toHaveLength(6);
      for (const uri of uris) expect(uri).toMatch(new RegExp(`^/api/cameras/${cams.online_code}/live/gw\\?p=segments%2Fseg-\\d{3}\\.ts$`));
      const segment = await get(`${proxied.baseUrl}${uris[0]}`, headers);
      expect(segment.status).toBe(200);
      expect(Buffer.from(await segment.arrayBuffer()).equals(fs.readFileSync(path.join(clip, 'seg-000.ts')))).toBe(true);
      expect(gatewayHits).toContain(`/live/${cams.online_code}.m3u8`);

      // Through the proxy path no address outside the gateway can be reached.
      for (const p of ['../secret', 'http://127.0.0.2/x.ts', '//127.0.0.2/x.ts']) {
        const res = await get(`${proxied.baseUrl}/api/cameras/${cams.online_code}/live/gw?p=${encodeURIComponent(p)}`, headers);
        expect(res.status, p).toBe(502);
        expect(((await res.json()) as ApiErrorBody).code).toBe('stream_outside_gateway');
      }
      // A camera whose own address lies outside, and a playlist naming an outside address, are refused.
      await server.db.query(setStreamUrl, [cams.other_code, `http://127.0.0.1:${port}/admin/${cams.other_code}.m3u8`]);
      expect(((await (await get(`${proxied.baseUrl}/api/cameras/${cams.other_code}/stream`, headers)).json()) as ApiErrorBody).code).toBe(
        'stream_outside_gateway',
      );
      // (another camera: the access check of the one above is cached for a few seconds with its address)
      await server.db.query(setStreamUrl, [cams.third_code, `http://127.0.0.1:${port}/live/EVIL.m3u8`]);
      const evil = await get(`${proxied.baseUrl}/api/cameras/${cams.third_code}/live/index.m3u8`, headers);
      expect(evil.status).toBe(502);
      expect(((await evil.json()) as ApiErrorBody).code).toBe('stream_outside_gateway');
      // And the jurisdiction holds through the proxy too.
      const other = await signIn(proxied.baseUrl, 'dispatcher.xuanwu');
      expect((await get(`${proxied.baseUrl}${uris[0]}`, other)).status).toBe(404);
    } finally {
      await server.db.query(setStreamUrl, [cams.other_code, null]);
      await server.db.query(setStreamUrl, [cams.third_code, null]);
      await proxied.close();
      await new Promise<void>((resolve) => gateway.close(() => resolve()));
    }
  });
});
