/**
 * Conditional GET for the OGC API: a strong ETag from the hash of what a response says (for items, its
 * features and links — never its timeStamp, which changes on every request), `Cache-Control` and `Vary`, and
 * 304 Not Modified when If-None-Match names the current ETag. Answers depend on the caller's jurisdiction,
 * so they are `private` and revalidated on every use (`no-cache`): an unchanged page costs its query but
 * is not sent again.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

export const PUBLIC_CACHE = 'public, max-age=300';
export const PRIVATE_REVALIDATE = 'private, no-cache';

export const etagOf = (...parts: string[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return `"${hash.digest('base64url').slice(0, 32)}"`;
};

/** Whether If-None-Match (a list, or *) names this ETag; weak prefixes are compared weakly (RFC 9110 §13.1.2). */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * Send `body` with caching headers; 304 without a body when the client already has this version.
 * `etagSource` defaults to the body itself.
 */
export function sendCached(
  req: Request,
  res: Response,
  options: { type: string; body: string; cacheControl: string; etagSource?: string[]; headers?: Record<string, string> },
): void {
  const etag = etagOf(...(options.etagSource ?? [options.body]), options.type);
  res.set('ETag', etag);
  res.set('Cache-Control', options.cacheControl);
  res.vary('Authorization');
  res.vary('Cookie');
  for (const [name, value] of Object.entries(options.headers ?? {})) res.set(name, value);
  if (matchesIfNoneMatch(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return;
  }
  res.type(options.type).send(options.body);
}
