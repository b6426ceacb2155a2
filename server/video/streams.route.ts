/**
 * Live video of a camera, only for callers who may see the camera (row-level security decides on every
 * request: playlist and each segment):
 *
 *   GET /api/cameras/:code/stream               → { code, name, online, source: 'demo'|'gateway', playlistUrl, generated }
 *   GET /api/cameras/:code/live/index.m3u8      → the live playlist (409 camera_offline for an offline camera)
 *   GET /api/cameras/:code/live/seg/:n.ts       → a demo segment (demo mode)
 *   GET /api/cameras/:code/live/gw?p=…          → a gateway playlist or segment, proxied (gateway mode)
 *
 * Without VIDEO_GATEWAY_URL the generated demo clips are looped as live (demo-live-playlist.ts), one clip
 * per camera by its code. With it, the gateway's HLS is proxied (gateway-stream.ts): the camera's address
 * and every URI in its playlists must lie inside the gateway, else 502 stream_outside_gateway. Another
 * jurisdiction's camera is 404 camera_not_found, as if it did not exist.
 */
import { Readable } from 'node:stream';
import { Router, type Request } from 'express';
import type { Logger } from 'pino';
import type { Clock } from '../clock/clock.js';
import { authOf, scopedDb } from '../auth/request-context.js';
import { contractAccess } from '../auth/route-access.js';
import { AppError, notFound } from '../errors/app-error.js';
import { validateRequestPart } from '../http/validate-request.js';
import { readVisibleCamera } from './camera-coverage.sql.js';
import { cameraStreamRoute, gatewayProxyRoute, livePlaylistRoute, liveSegmentRoute } from './cameras-contract.js';
import { readDemoCatalogue, type DemoCatalogue } from './demo-clips.js';
import { isLiveOrigin, liveOriginAt, liveSequenceAt, renderLivePlaylist } from './demo-live-playlist.js';
import { cameraStreamAddress, resolveGatewayPath, rewritePlaylist, streamOutsideGateway } from './gateway-stream.js';

export interface StreamsRouterDeps {
  config: { videoGatewayUrl: string | null; videoDemoDir: string };
  clock: Clock;
  logger: Logger;
}

const PLAYLIST_MAX_BYTES = 1024 * 1024;
const SEGMENT_MAX_BYTES = 32 * 1024 * 1024;
const GATEWAY_TIMEOUT_MS = 8_000;
/**
 * A player asks for its playlist and a segment every couple of seconds: the answer of the access check is
 * kept this long per credential and camera, so that a video wall does not queue a query per request behind
 * the map's tiles. A camera taken away from a jurisdiction, or gone offline, stops within this time; a
 * signed-out session stops at once (authentication runs on every request before this).
 */
export const ACCESS_CACHE_MS = 10_000;
const ACCESS_CACHE_MAX = 10_000;

interface CameraRow {
  code: string;
  name: string;
  online: boolean;
  stream_url: string | null;
}

type AccessCache = Map<string, { camera: CameraRow | null; until: number }>;

async function visibleCamera(req: Request, cache: AccessCache, nowMs: number): Promise<CameraRow> {
  const { code } = validateRequestPart(cameraStreamRoute.params, { code: req.params.code }, 'invalid_camera_code');
  const auth = authOf(req);
  const key = `${auth.via}|${auth.sessionTokenHash ?? auth.screenTokenId ?? auth.accountId}|${auth.role}|${auth.jurisdiction}|${code}`;
  let hit = cache.get(key);
  if (!hit || hit.until <= nowMs) {
    const [camera] = await scopedDb(req).query<CameraRow>(readVisibleCamera, [code]);
    if (cache.size >= ACCESS_CACHE_MAX) cache.clear();
    hit = { camera: camera ?? null, until: nowMs + ACCESS_CACHE_MS };
    cache.set(key, hit);
  }
  if (!hit.camera) throw notFound('camera_not_found', `No camera ${code} in your jurisdiction`);
  return hit.camera;
}

function videoUnavailable(): AppError {
  return new AppError(503, 'video_unavailable', 'No video source is configured: neither a gateway nor the demo streams');
}

export function streamsRouter({ config, clock, logger }: StreamsRouterDeps): Router {
  const router = Router();
  const gateway = config.videoGatewayUrl;
  const demo: DemoCatalogue | null = gateway ? null : readDemoCatalogue(config.videoDemoDir);
  if (!gateway && !demo) logger.warn({ dir: config.videoDemoDir }, 'no video gateway and no demo streams: cameras will have no video');
  const base = (code: string) => `/api/cameras/${encodeURIComponent(code)}/live`;
  const accessCache: AccessCache = new Map();

  router.get(cameraStreamRoute.path, contractAccess(cameraStreamRoute), async (req, res) => {
    const camera = await visibleCamera(req, accessCache, Date.now());
    if (!gateway && !demo) throw videoUnavailable();
    if (gateway) cameraStreamAddress(gateway, camera.code, camera.stream_url);
    else if (camera.stream_url !== null) throw streamOutsideGateway();
    res.json({
      code: camera.code,
      name: camera.name,
      online: camera.online,
      source: gateway ? 'gateway' : 'demo',
      // A demo stream's session starts now (its origin keeps the player's sequence numbers small).
      playlistUrl: demo
        ? `${base(camera.code)}/index.m3u8?origin=${liveOriginAt(demo.clipFor(camera.code), clock.now().getTime())}`
        : `${base(camera.code)}/index.m3u8`,
      generated: !gateway,
    });
  });

  router.get(livePlaylistRoute.path, contractAccess(livePlaylistRoute), async (req, res) => {
    const camera = await visibleCamera(req, accessCache, Date.now());
    if (!camera.online) throw new AppError(409, 'camera_offline', `Camera ${camera.code} is offline`);
    res.setHeader('Cache-Control', 'no-store');
    if (gateway) {
      const address = cameraStreamAddress(gateway, camera.code, camera.stream_url);
      const text = rewritePlaylist(
        await readPlaylist(await fetchGateway(address, PLAYLIST_MAX_BYTES)),
        address,
        gateway,
        (p) => `${base(camera.code)}/gw?p=${encodeURIComponent(p)}`,
      );
      res.type('application/vnd.apple.mpegurl').send(text);
      return;
    }
    if (!demo) throw videoUnavailable();
    if (camera.stream_url !== null) throw streamOutsideGateway();
    const clip = demo.clipFor(camera.code);
    const now = clock.now().getTime();
    const { origin = 0 } = validateRequestPart(livePlaylistRoute.query, req.query, 'invalid_origin');
    if (!isLiveOrigin(clip, now, origin))
      throw new AppError(400, 'invalid_origin', "origin must be the start of a loop of this camera's stream, not after its live window");
    res.type('application/vnd.apple.mpegurl').send(renderLivePlaylist(clip, now, (k) => `seg/${k}.ts`, undefined, origin));
  });

  router.get(liveSegmentRoute.path, contractAccess(liveSegmentRoute), async (req, res) => {
    const camera = await visibleCamera(req, accessCache, Date.now());
    if (!demo) throw notFound('segment_not_found', 'No such segment');
    if (!camera.online) throw new AppError(409, 'camera_offline', `Camera ${camera.code} is offline`);
    const { sequence: k } = validateRequestPart(liveSegmentRoute.params, req.params, 'invalid_segment');
    const clip = demo.clipFor(camera.code);
    // Only segments of the live window's recent past (a minute) or the next one: not the whole loop on demand.
    const live = liveSequenceAt(clip, clock.now().getTime());
    if (k > live + 1 || k < live - 30) throw notFound('segment_not_found', 'The segment is not in the live window');
    res.setHeader('Cache-Control', 'private, max-age=60');
    res.type('video/mp2t').sendFile(clip.segmentPaths[k % clip.segmentPaths.length]);
  });

  router.get(gatewayProxyRoute.path, contractAccess(gatewayProxyRoute), async (req, res) => {
    const camera = await visibleCamera(req, accessCache, Date.now());
    if (!gateway) throw notFound('segment_not_found', 'No video gateway is configured');
    if (!camera.online) throw new AppError(409, 'camera_offline', `Camera ${camera.code} is offline`);
    const { p } = validateRequestPart(gatewayProxyRoute.query, req.query, 'invalid_segment');
    const address = resolveGatewayPath(gateway, p);
    const isPlaylist = /\.m3u8$/i.test(address.pathname);
    const upstream = await fetchGateway(address, isPlaylist ? PLAYLIST_MAX_BYTES : SEGMENT_MAX_BYTES);
    res.setHeader('Cache-Control', isPlaylist ? 'no-store' : 'private, max-age=60');
    if (isPlaylist) {
      const text = rewritePlaylist(await readPlaylist(upstream), address, gateway, (q) => `${base(camera.code)}/gw?p=${encodeURIComponent(q)}`);
      res.type('application/vnd.apple.mpegurl').send(text);
      return;
    }
    const type = upstream.headers.get('content-type');
    res.type(type && /^(video|audio|application)\/[\w.+-]+$/.test(type) ? type : 'application/octet-stream');
    if (!upstream.body) return void res.end();
    Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream)
      .on('error', () => res.destroy())
      .pipe(res);
  });

  return router;
}

/** A playlist's text, refused past PLAYLIST_MAX_BYTES even when the gateway sent no length. */
async function readPlaylist(response: Response): Promise<string> {
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > PLAYLIST_MAX_BYTES) throw new AppError(502, 'stream_unavailable', 'The video gateway’s playlist is too large');
  return bytes.toString('utf8');
}

/** Fetch from the gateway without following redirects (a redirect could leave it), bounded in time and size. */
async function fetchGateway(address: URL, maxBytes: number): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(address, { redirect: 'manual', signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS) });
  } catch (error) {
    throw new AppError(502, 'stream_unavailable', 'The video gateway did not answer', undefined, { cause: error });
  }
  if (response.status === 404) throw new AppError(502, 'stream_unavailable', 'The video gateway has no such stream');
  if (!response.ok) throw new AppError(502, 'stream_unavailable', `The video gateway answered ${response.status}`);
  const length = Number(response.headers.get('content-length') ?? '0');
  if (length > maxBytes) throw new AppError(502, 'stream_unavailable', 'The video gateway’s answer is too large');
  return response;
}
