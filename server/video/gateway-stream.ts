/**
 * Streams from a production video gateway (a GB/T 28181 gateway such as ZLMediaKit or WVP exposing HLS), pure
 * parts: VIDEO_GATEWAY_URL is a template such as `https://gateway/live/{code}.m3u8`; the gateway's prefix is
 * everything before the path segment holding `{code}` (`https://gateway/live/`). A camera's stream address
 * is its own `stream_url` or the template filled with its code, and must lie under that prefix (same
 * scheme, host and port; no credentials; the normalised path inside it) — anything else is refused, so a
 * camera row (or a playlist) cannot make the server fetch an arbitrary address. Playlists are rewritten so
 * that every URI points back through the server (`/api/cameras/:code/live/gw?p=…`), where the access check
 * runs again for every request.
 */
import { AppError } from '../errors/app-error.js';

export const CODE_PLACEHOLDER = '{code}';

export function streamOutsideGateway(): AppError {
  return new AppError(502, 'stream_outside_gateway', 'The camera’s stream address lies outside the configured video gateway');
}

/** The gateway's prefix URL (ends with '/'). */
export function gatewayPrefix(template: string): URL {
  const at = template.indexOf(CODE_PLACEHOLDER);
  if (at < 0) throw new Error('VIDEO_GATEWAY_URL has no {code}');
  const before = template.slice(0, at);
  return new URL(before.slice(0, before.lastIndexOf('/') + 1));
}

/** Whether an absolute address lies under the gateway's prefix. */
export function isInsideGateway(address: URL, prefix: URL): boolean {
  if (address.username || address.password) return false;
  if (address.protocol !== prefix.protocol || address.host !== prefix.host) return false;
  // URL has already resolved '.', '..' and percent-encoded dots in the path.
  if (/%2e|%2f|%5c/i.test(address.pathname)) return false;
  return address.pathname.startsWith(prefix.pathname);
}

/** The camera's stream address: its own, or the template with its code; refused when outside the gateway. */
export function cameraStreamAddress(template: string, code: string, streamUrl: string | null): URL {
  const prefix = gatewayPrefix(template);
  let address: URL;
  try {
    address = new URL(streamUrl ?? template.replaceAll(CODE_PLACEHOLDER, encodeURIComponent(code)));
  } catch {
    throw streamOutsideGateway();
  }
  if (!isInsideGateway(address, prefix)) throw streamOutsideGateway();
  return address;
}

/** The gateway address for a proxied path `p` (relative to the prefix); refused when it leaves the gateway. */
export function resolveGatewayPath(template: string, relative: string): URL {
  const prefix = gatewayPrefix(template);
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(relative)) throw streamOutsideGateway();
  let address: URL;
  try {
    address = new URL(relative, prefix);
  } catch {
    throw streamOutsideGateway();
  }
  if (!isInsideGateway(address, prefix)) throw streamOutsideGateway();
  return address;
}

/** The path of an address relative to the gateway prefix (with its query). */
export function relativeToGateway(address: URL, prefix: URL): string {
  return address.pathname.slice(prefix.pathname.length) + address.search;
}

/**
 * Rewrite an HLS playlist fetched from `playlistAddress`: every URI (media lines and URI="…" attributes of
 * EXT-X-KEY, EXT-X-MAP, EXT-X-MEDIA, …) resolved against it, checked to be inside the gateway, and replaced
 * by `local(relativePath)`. One address outside refuses the whole playlist.
 */
export function rewritePlaylist(text: string, playlistAddress: URL, template: string, local: (relative: string) => string): string {
  const prefix = gatewayPrefix(template);
  const toLocal = (uri: string) => {
    let address: URL;
    try {
      address = new URL(uri, playlistAddress);
    } catch {
      throw streamOutsideGateway();
    }
    if (!isInsideGateway(address, prefix)) throw streamOutsideGateway();
    return local(relativeToGateway(address, prefix));
  };
  if (!text.startsWith('#EXTM3U')) throw new AppError(502, 'stream_unavailable', 'The video gateway did not answer with a playlist');
  return text
    .split(/\r?\n/)
    .map((line) => {
      if (line.startsWith('#')) return line.replace(/URI="([^"]*)"/g, (_, uri: string) => `URI="${toLocal(uri)}"`);
      return line.trim() ? toLocal(line.trim()) : line;
    })
    .join('\n');
}
