import { createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it, vi } from 'vitest';
import { packTile, REVISION_REFRESH_MS, REVISION_STALE_MAX_MS, TileCache, tileCacheOf } from './tile-cache.js';
import type { Database } from '../db/database.js';
import { MovableClock } from '../../tests/support/movable-clock.js';

const TILE = { z: 14, x: 13604, y: 6647 };
// Not 0: the LRU takes a start time of 0 for "no time to live".
const START = Date.parse('2026-11-23T08:00:00Z');
const bytes = (text: string) => new Uint8Array(Buffer.from(text));

describe('TileCache keys', () => {
  it('include the jurisdiction, every layer with its version, and z/x/y', () => {
    const cache = new TileCache();
    expect(cache.keyOf('city', ['micro_grids'], TILE)).toBe('city|micro_grids@0|14/13604/6647');
    expect(cache.keyOf('320113007', ['water', 'micro_grids'], TILE)).toBe('320113007|water@0,micro_grids@0|14/13604/6647');
    expect(cache.keyOf('city', ['micro_grids'], TILE)).not.toBe(cache.keyOf('320102', ['micro_grids'], TILE));
  });

  it('share tiles of basemap layers only (no row-level security) between jurisdictions', () => {
    const cache = new TileCache();
    expect(cache.keyOf('320113007', ['water', 'roads'], TILE)).toBe('*|water@0,roads@0|14/13604/6647');
    expect(cache.keyOf('city', ['landuse'], TILE)).toBe(cache.keyOf('320102', ['landuse'], TILE));
    expect(cache.keyOf('city', ['landuse', 'cameras'], TILE)).not.toBe(cache.keyOf('320102', ['landuse', 'cameras'], TILE));
  });

  it('include the database revision of the layers that have one', () => {
    const cache = new TileCache();
    const revisions = new Map([
      ['cameras', '12'],
      ['sensors', '3'],
    ]);
    expect(cache.keyOf('city', ['cameras', 'sensors'], TILE, revisions)).toBe('city|cameras@0.12,sensors@0.3|14/13604/6647');
    expect(cache.keyOf('city', ['cameras'], TILE, new Map([['cameras', '13']]))).not.toBe(cache.keyOf('city', ['cameras'], TILE, revisions));
    expect(cache.keyOf('city', ['micro_grids'], TILE, revisions)).toBe('city|micro_grids@0|14/13604/6647');
  });

  it('change for exactly the bumped layer (and the combined boundaries and unit labels when a unit layer is bumped)', () => {
    const cache = new TileCache();
    const layers = ['micro_grids', 'grids', 'unit_boundaries', 'unit_labels', 'roads'] as const;
    const keys = () => layers.map((l) => cache.keyOf('city', [l], TILE));
    const before = keys();
    cache.bumpLayerVersion('micro_grids');
    expect(keys().map((k, i) => k !== before[i])).toEqual([true, false, true, true, false]);
    const beforeGrids = keys();
    cache.bumpLayerVersion('grids');
    expect(keys().map((k, i) => k !== beforeGrids[i])).toEqual([false, true, true, true, false]);
    cache.bumpLayerVersion('roads');
    expect(cache.layerVersion('roads')).toBe(1);
    expect(cache.layerVersion('grids')).toBe(1);
    expect(cache.layerVersion('districts')).toBe(0);
  });
});

describe('TileCache.fetch', () => {
  it('renders a missing tile once, then serves it from memory', async () => {
    const cache = new TileCache();
    let renders = 0;
    const render = async () => {
      renders += 1;
      await new Promise((r) => setTimeout(r, 10));
      return bytes('tile');
    };
    const [a, b] = await Promise.all([cache.fetch('k', render), cache.fetch('k', render)]);
    expect(renders).toBe(1);
    expect([a.status, b.status].sort()).toEqual(['inflight', 'miss']);
    const c = await cache.fetch('k', render);
    expect(c.status).toBe('hit');
    expect(renders).toBe(1);
    expect(zlib.gunzipSync(c.tile.gzipped!).toString()).toBe('tile');
    expect(c.tile.etag).toBe(a.tile.etag);
  });

  it('keeps an empty tile as no content', async () => {
    const cache = new TileCache();
    const { tile } = await cache.fetch('empty', async () => new Uint8Array(0));
    expect(tile).toEqual({ gzipped: null, etag: null });
    expect((await cache.fetch('empty', async () => bytes('x'))).status).toBe('hit');
  });

  it('does not keep a failed render', async () => {
    const cache = new TileCache();
    await expect(cache.fetch('k', async () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect((await cache.fetch('k', async () => bytes('ok'))).status).toBe('miss');
  });

  it('stays within its byte bound, evicting the least recently used tiles', async () => {
    const cache = new TileCache({ maxBytes: 4000 });
    // 928 incompressible, deterministic bytes per tile.
    const big = (i = 0) => new Uint8Array(Buffer.concat(Array.from({ length: 29 }, (_, j) => createHash('sha256').update(`${i}:${j}`).digest())));
    for (let i = 0; i < 10; i++) await cache.fetch(`k${i}`, async () => big(i));
    expect(cache.size.bytes).toBeLessThanOrEqual(4000);
    expect(cache.size.entries).toBeLessThan(10);
    expect((await cache.fetch('k9', async () => big())).status).toBe('hit');
    expect((await cache.fetch('k0', async () => big())).status).toBe('miss');
  });

  it('expires a tile after its time to live', async () => {
    const clock = new MovableClock(START);
    const cache = new TileCache({ clock });
    await cache.fetch('points', async () => bytes('a'), 300);
    clock.advanceMs(300);
    expect((await cache.fetch('points', async () => bytes('b'), 300)).status).toBe('hit');
    clock.advanceMs(1);
    const again = await cache.fetch('points', async () => bytes('b'), 300);
    expect(again.status).toBe('miss');
    expect(zlib.gunzipSync(again.tile.gzipped!).toString()).toBe('b');
  });

  it('serves a tile expired less than staleMs ago at once and renders it again behind, but renders an older one first', async () => {
    const clock = new MovableClock(START);
    const cache = new TileCache({ clock });
    const text = (r: { tile: { gzipped: Buffer | null } }) => zlib.gunzipSync(r.tile.gzipped!).toString();
    await cache.fetch('points', async () => bytes('a'), 100, 2_000);
    clock.advanceMs(150);
    let release = () => {};
    const slow = () => new Promise<Uint8Array>((resolve) => (release = () => resolve(bytes('b'))));
    const stale = await cache.fetch('points', slow, 100, 2_000);
    expect(stale.status).toBe('stale');
    expect(text(stale)).toBe('a');
    release();
    await vi.waitFor(async () => expect(text(await cache.fetch('points', async () => bytes('c'), 100, 2_000))).toBe('b'), {
      timeout: 1_000,
      interval: 5,
    });
    const fresh = await cache.fetch('points', async () => bytes('c'), 100, 2_000);
    expect([fresh.status, text(fresh)]).toEqual(['hit', 'b']);
    // Expired longer ago than staleMs: rendered before answering.
    clock.advanceMs(250);
    const late = await cache.fetch('points', async () => bytes('d'), 100, 20);
    expect([late.status, text(late)]).toEqual(['miss', 'd']);
  });

  it('drops the stale tile when the background render fails: the next request renders it', async () => {
    const clock = new MovableClock(START);
    const cache = new TileCache({ clock });
    await cache.fetch('points', async () => bytes('a'), 100, 2_000);
    clock.advanceMs(150);
    const stale = await cache.fetch('points', async () => Promise.reject(new Error('database down')), 100, 2_000);
    expect(stale.status).toBe('stale');
    await new Promise((r) => setTimeout(r, 5));
    const again = await cache.fetch('points', async () => bytes('b'), 100, 2_000);
    expect(again.status).toBe('miss');
    expect(zlib.gunzipSync(again.tile.gzipped!).toString()).toBe('b');
  });
});

describe('TileCache.fetchRevisioned', () => {
  const text = (r: { tile: { gzipped: Buffer | null } }) => zlib.gunzipSync(r.tile.gzipped!).toString();
  const settle = () => new Promise((r) => setTimeout(r, 5));
  /** Resolves once the family answers `key` from the cache: its background render has landed (packing is asynchronous). */
  const landed = (cache: TileCache, key: string, family: string, body: string) =>
    vi.waitFor(async () => expect((await cache.fetchRevisioned(key, family, async () => bytes(body))).status).toBe('hit'), {
      timeout: 5_000,
      interval: 5,
    });

  it('answers the previous revision’s tile while it is young, then renders the new one behind it, one at a time', async () => {
    const clock = new MovableClock(START);
    const cache = new TileCache({ clock, refreshDelayMs: 0 });
    let renders = 0;
    const render = (body: string) => async () => {
      renders += 1;
      return bytes(body);
    };
    expect((await cache.fetchRevisioned('t@1', 't', render('one'))).status).toBe('miss');
    expect((await cache.fetchRevisioned('t@1', 't', render('one'))).status).toBe('hit');

    clock.advanceMs(REVISION_REFRESH_MS - 1);
    const young = await cache.fetchRevisioned('t@2', 't', render('two'));
    expect([young.status, text(young), renders]).toEqual(['stale', 'one', 1]);

    clock.advanceMs(1);
    let release = () => {};
    const slow = () => {
      renders += 1;
      return new Promise<Uint8Array>((resolve) => (release = () => resolve(bytes('two'))));
    };
    const behind = await cache.fetchRevisioned('t@2', 't', slow);
    expect([behind.status, text(behind)]).toEqual(['stale', 'one']);
    await settle(); // the background render starts after its delay (0 here)
    // A third revision while the second is rendered: still the first, and no second render.
    expect(text(await cache.fetchRevisioned('t@3', 't', render('three')))).toBe('one');
    expect(renders).toBe(2);
    release();
    await landed(cache, 't@2', 't', 'not rendered');
    const fresh = await cache.fetchRevisioned('t@2', 't', render('two'));
    expect([fresh.status, text(fresh)]).toEqual(['hit', 'two']);
    // The newest is now the second: the third waits for it to be REVISION_REFRESH_MS old.
    expect(text(await cache.fetchRevisioned('t@3', 't', render('three')))).toBe('two');
    expect(renders).toBe(2);
  });

  it('starts the background render only after its delay, behind the requests of the screen that set it off', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const clock = new MovableClock(START);
      const cache = new TileCache({ clock, refreshDelayMs: 60 });
      await cache.fetchRevisioned('t@1', 't', async () => bytes('one'));
      clock.advanceMs(REVISION_REFRESH_MS);
      let started = false;
      expect((await cache.fetchRevisioned('t@2', 't', async () => ((started = true), bytes('two')))).status).toBe('stale');
      await vi.advanceTimersByTimeAsync(59);
      expect(started).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      expect(started).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts the previous tile’s age from when it was last known current: a request that hits it', async () => {
    const clock = new MovableClock(START);
    const cache = new TileCache({ clock, refreshDelayMs: 0 });
    await cache.fetchRevisioned('t@1', 't', async () => bytes('one'));
    clock.advanceMs(REVISION_STALE_MAX_MS - 10);
    expect((await cache.fetchRevisioned('t@1', 't', async () => bytes('one'))).status).toBe('hit');
    clock.advanceMs(REVISION_STALE_MAX_MS - 20);
    // Rendered long ago, but current 50 s before: answered, and rendered again behind it.
    const stale = await cache.fetchRevisioned('t@2', 't', async () => bytes('two'));
    expect([stale.status, text(stale)]).toEqual(['stale', 'one']);
    await landed(cache, 't@2', 't', 'two');
  });

  it('renders before answering once the previous tile is too old, and keeps serving it when a background render fails', async () => {
    const clock = new MovableClock(START);
    const cache = new TileCache({ clock, refreshDelayMs: 0 });
    await cache.fetchRevisioned('t@1', 't', async () => bytes('one'));
    clock.advanceMs(REVISION_REFRESH_MS);
    const failed = await cache.fetchRevisioned('t@2', 't', async () => Promise.reject(new Error('database down')));
    expect([failed.status, text(failed)]).toEqual(['stale', 'one']);
    await settle();
    expect(text(await cache.fetchRevisioned('t@2', 't', async () => bytes('two')))).toBe('one');
    // A new background render (the failed one kept nothing) lands.
    await landed(cache, 't@2', 't', 'two');

    clock.advanceMs(REVISION_STALE_MAX_MS);
    const late = await cache.fetchRevisioned('t@3', 't', async () => bytes('three'));
    expect([late.status, text(late)]).toEqual(['miss', 'three']);
    // Another family is not affected.
    expect((await cache.fetchRevisioned('u@3', 'u', async () => bytes('u'))).status).toBe('miss');
  });
});

describe('packTile', () => {
  it('names a tile by its content', async () => {
    const [a, b, c] = await Promise.all([packTile(bytes('one')), packTile(bytes('one')), packTile(bytes('two'))]);
    expect(a.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(a.etag).toBe(b.etag);
    expect(a.etag).not.toBe(c.etag);
  });
});

describe('tileCacheOf', () => {
  it('gives one cache per database', () => {
    const one = {} as Database;
    const two = {} as Database;
    expect(tileCacheOf(one)).toBe(tileCacheOf(one));
    expect(tileCacheOf(one)).not.toBe(tileCacheOf(two));
  });
});
