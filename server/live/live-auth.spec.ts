/** The pure parts of the upgrade's authentication: the Origin check and a token offered as a subprotocol. */
import { describe, expect, it } from 'vitest';
import { bearerFromSubprotocols, originMatchesHost } from './live-auth.js';

describe('live upgrade authentication', () => {
  it('accepts only an http(s) Origin naming the same host and port as the Host header', () => {
    expect(originMatchesHost('http://127.0.0.1:8080', '127.0.0.1:8080')).toBe(true);
    expect(originMatchesHost('https://Console.Example.cn', 'console.example.cn')).toBe(true);
    expect(originMatchesHost('http://127.0.0.1:8081', '127.0.0.1:8080')).toBe(false);
    expect(originMatchesHost('https://evil.example', 'console.example.cn')).toBe(false);
    expect(originMatchesHost('https://console.example.cn.evil.example', 'console.example.cn')).toBe(false);
    expect(originMatchesHost('null', '127.0.0.1:8080')).toBe(false);
    expect(originMatchesHost('file:///tmp/x.html', '127.0.0.1:8080')).toBe(false);
    expect(originMatchesHost(undefined, '127.0.0.1:8080')).toBe(false);
    expect(originMatchesHost('http://127.0.0.1:8080', undefined)).toBe(false);
  });

  it('reads a screen token from the offered subprotocols', () => {
    expect(bearerFromSubprotocols('gridops.live, bearer.gst_abc')).toBe('Bearer gst_abc');
    expect(bearerFromSubprotocols('bearer.gst_abc,gridops.live')).toBe('Bearer gst_abc');
    expect(bearerFromSubprotocols('gridops.live')).toBeUndefined();
    expect(bearerFromSubprotocols(undefined)).toBeUndefined();
  });
});
