/** Stream addresses of a video gateway: inside or refused, and playlists rewritten through the server (pure). */
import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { cameraStreamAddress, gatewayPrefix, isInsideGateway, resolveGatewayPath, rewritePlaylist } from './gateway-stream.js';

const TEMPLATE = 'https://gw.example:8443/live/{code}.m3u8';
const refused = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof AppError ? error.code : 'other';
  }
  return 'accepted';
};

describe('gateway addresses', () => {
  it('takes the prefix before the segment holding {code}', () => {
    expect(gatewayPrefix(TEMPLATE).href).toBe('https://gw.example:8443/live/');
    expect(gatewayPrefix('http://10.0.0.5/rtp/{code}/hls.m3u8').href).toBe('http://10.0.0.5/rtp/');
  });

  it('fills the template with the camera code, encoded', () => {
    expect(cameraStreamAddress(TEMPLATE, 'C320113007', null).href).toBe('https://gw.example:8443/live/C320113007.m3u8');
  });

  it('accepts a camera’s own address inside the gateway and refuses every address outside it', () => {
    expect(cameraStreamAddress(TEMPLATE, 'C1', 'https://gw.example:8443/live/other/C1.m3u8').pathname).toBe('/live/other/C1.m3u8');
    for (const outside of [
      'https://evil.example/live/C1.m3u8',
      'http://gw.example:8443/live/C1.m3u8',
      'https://gw.example/live/C1.m3u8',
      'https://gw.example:8443/admin/C1.m3u8',
      'https://gw.example:8443/live/../admin/x.m3u8',
      'https://user:pw@gw.example:8443/live/C1.m3u8',
      'https://gw.example:8443/live/%2e%2e/admin.m3u8',
      'file:///etc/passwd',
      'not a url',
    ]) {
      expect(
        refused(() => cameraStreamAddress(TEMPLATE, 'C1', outside)),
        outside,
      ).toBe('stream_outside_gateway');
    }
  });

  it('resolves proxied paths only inside the gateway', () => {
    expect(resolveGatewayPath(TEMPLATE, 'C1/seg-1.ts?token=a').href).toBe('https://gw.example:8443/live/C1/seg-1.ts?token=a');
    for (const p of ['../admin', '//evil.example/x.ts', 'https://evil.example/x.ts', '/admin/x.ts', '%2e%2e/x']) {
      expect(
        refused(() => resolveGatewayPath(TEMPLATE, p)),
        p,
      ).toBe('stream_outside_gateway');
    }
    expect(isInsideGateway(new URL('https://gw.example:8443/live/a.ts'), gatewayPrefix(TEMPLATE))).toBe(true);
  });
});

describe('rewritePlaylist', () => {
  const at = new URL('https://gw.example:8443/live/C1/index.m3u8');
  const local = (p: string) => `/api/cameras/C1/live/gw?p=${encodeURIComponent(p)}`;

  it('points every segment, variant, key and map URI back through the server', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-MAP:URI="init.mp4"',
      '#EXT-X-KEY:METHOD=AES-128,URI="/live/keys/k1"',
      '#EXTINF:2.0,',
      'seg-1.m4s',
      '#EXTINF:2.0,',
      'https://gw.example:8443/live/C1/seg-2.m4s?t=9',
    ].join('\n');
    const out = rewritePlaylist(text, at, TEMPLATE, local).split('\n');
    expect(out[1]).toBe(`#EXT-X-MAP:URI="${local('C1/init.mp4')}"`);
    expect(out[2]).toBe(`#EXT-X-KEY:METHOD=AES-128,URI="${local('keys/k1')}"`);
    expect(out[4]).toBe(local('C1/seg-1.m4s'));
    expect(out[6]).toBe(local('C1/seg-2.m4s?t=9'));
  });

  it('refuses a playlist naming an address outside the gateway, and an answer that is not a playlist', () => {
    expect(refused(() => rewritePlaylist('#EXTM3U\n#EXTINF:2,\nhttps://evil.example/seg.ts\n', at, TEMPLATE, local))).toBe('stream_outside_gateway');
    expect(refused(() => rewritePlaylist('#EXTM3U\n#EXTINF:2,\n../../admin/seg.ts\n', at, TEMPLATE, local))).toBe('stream_outside_gateway');
    expect(refused(() => rewritePlaylist('<html>', at, TEMPLATE, local))).toBe('stream_unavailable');
  });
});
