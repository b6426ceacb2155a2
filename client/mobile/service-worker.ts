/// <reference lib="webworker" />
/**
 * The field app's service worker (scope /m/, built by the `fieldServiceWorker` plugin of vite.config.ts, which
 * replaces self.__WB_MANIFEST with the app's files — the page, its scripts and styles, the lazily loaded map and
 * photo compression): the app shell precached (workbox-precaching), the page itself network-first so a new
 * version is taken when online, and the map tiles cached as they are drawn (stale-while-revalidate, at most
 * 4,000 tiles for 30 days). On a message `{type: 'cache-tiles', urls}` from the page it fetches the tiles of the
 * worker's grid ahead, so the map works in a dead zone. API calls are never cached here: the app's outbox
 * (IndexedDB) holds what is sent offline.
 */
import { cleanupOutdatedCaches, precacheAndRoute } from 'workbox-precaching';
import { registerRoute, NavigationRoute } from 'workbox-routing';
import { NetworkFirst, StaleWhileRevalidate } from 'workbox-strategies';
import { ExpirationPlugin } from 'workbox-expiration';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: Array<{ url: string; revision: string | null }> };

export const TILE_CACHE = 'gridops-field-tiles';
const SHELL_CACHE = 'gridops-field-shell';

cleanupOutdatedCaches();
precacheAndRoute(self.__WB_MANIFEST, { ignoreURLParametersMatching: [/.*/] });

// The page (/m and its deep paths): the network first, the cached page offline.
registerRoute(new NavigationRoute(new NetworkFirst({ cacheName: SHELL_CACHE, networkTimeoutSeconds: 4 }), { allowlist: [/^\/m(\/|$)/] }));

const tileExpiration = new ExpirationPlugin({ maxEntries: 4_000, maxAgeSeconds: 30 * 24 * 3600, purgeOnQuotaError: true });
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith('/tiles/') && !url.pathname.startsWith('/tiles/tilejson'),
  new StaleWhileRevalidate({ cacheName: TILE_CACHE, plugins: [tileExpiration] }),
);

self.addEventListener('install', () => void self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('message', (event) => {
  const data = event.data as { type?: string; urls?: unknown } | null;
  if (data?.type !== 'cache-tiles' || !Array.isArray(data.urls)) return;
  const urls = data.urls.filter((u): u is string => typeof u === 'string' && u.startsWith(`${self.location.origin}/tiles/`)).slice(0, 400);
  event.waitUntil(
    (async () => {
      const cache = await caches.open(TILE_CACHE);
      let cached = 0;
      for (const url of urls) {
        if (await cache.match(url)) {
          cached++;
          continue;
        }
        const response = await fetch(url, { credentials: 'same-origin' }).catch(() => null);
        if (response?.ok) {
          await cache.put(url, response);
          cached++;
        }
      }
      event.source?.postMessage({ type: 'tiles-cached', cached, total: urls.length });
    })(),
  );
});
