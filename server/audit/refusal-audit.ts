/**
 * Every refused attempt at the access and validation layers is audited (issue 18): 400 (validation, invalid
 * text, malformed bodies), 401 (no or a bad or expired credential), 403 (role_forbidden, csrf_token_invalid,
 * read_only_token …), 413, 415 and 429 — whatever answered them, as long as the answer went through the error
 * middleware (server/errors/error-middleware.ts calls `record`). One `request.refused` record each, entity
 * type `route`, entity id "METHOD /route/:pattern": who (account, or the screen token's id, or for an
 * unrecognised credential its kind and a fingerprint — the first 12 hex digits of its SHA-256, which the
 * database stores whole anyway, never the credential), the reason code, the status, the field a validation
 * named, the client address. Never the body, a query value or a header.
 *
 * Rate guard: a flood must not fill the disk. Per client address at most PER_ADDRESS_PER_MINUTE records a
 * minute and at most GLOBAL_PER_MINUTE in all; what is held back is counted and written as one
 * `request.refused_suppressed` record (with the count) when that address next refuses in a later minute, or
 * for the global count, with the next record written. Writes are asynchronous: a refusal never waits for its
 * audit record, and a failed write is logged, not retried.
 */
import type { Request } from 'express';
import type { Logger } from 'pino';
import { hashToken } from '../auth/secrets.js';
import { SESSION_COOKIE } from '../auth/authenticate.js';
import type { Database } from '../db/database.js';
import { appendAudit, type AuditEntry } from './record-audit.js';

export const AUDITED_REFUSAL_STATUSES = new Set([400, 401, 403, 413, 415, 429]);
export const PER_ADDRESS_PER_MINUTE = 30;
export const GLOBAL_PER_MINUTE = 300;
const MAX_TRACKED_ADDRESSES = 10_000;

/** A route that audited its own failure (auditedChange, the sign-in) marks the request: no second record. */
export function markRefusalAudited(req: Request): void {
  if (req.res) req.res.locals.refusalAudited = true;
}

export interface RefusalAuditor {
  record(req: Request, status: number, code: string, details?: Record<string, unknown>): void;
  /** Resolves when every write started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
}

interface Window {
  minute: number;
  written: number;
  suppressed: number;
}

/** The presented credential when it was not recognised (no req.auth): its kind and a fingerprint. */
function unrecognisedCredential(req: Request): { kind: string; fingerprint: string } | undefined {
  if (req.auth) return undefined;
  const bearer = req.headers.authorization?.match(/^Bearer (\S+)$/)?.[1];
  if (bearer) return { kind: 'bearer', fingerprint: hashToken(bearer).slice(0, 12) };
  const cookie = req.headers.cookie?.match(new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([^;]+)`))?.[1];
  if (cookie) return { kind: 'session_cookie', fingerprint: hashToken(cookie).slice(0, 12) };
  if (req.headers.authorization) return { kind: 'authorization_header', fingerprint: hashToken(req.headers.authorization).slice(0, 12) };
  return undefined;
}

/** "POST /api/incidents/:id/events" when a route matched, else the path (percent-encoded ASCII, cut to 120). */
function routeOf(req: Request): string {
  const pattern = typeof req.route?.path === 'string' ? `${req.baseUrl}${req.route.path}` : req.path.slice(0, 120);
  return `${req.method.slice(0, 10)} ${pattern}`.slice(0, 160);
}

/** The field a refusal names (invalid_text's field, a validation's first reasons), never the value. */
function fieldsOf(details: Record<string, unknown> | undefined): string[] | undefined {
  if (!details) return undefined;
  if (typeof details.field === 'string') return [details.field.slice(0, 120)];
  if (Array.isArray(details.reasons)) {
    return details.reasons
      .slice(0, 5)
      .map((r) => (typeof (r as { field?: unknown }).field === 'string' ? String((r as { field: string }).field).slice(0, 120) : '?'));
  }
  return undefined;
}

export function createRefusalAuditor(options: { db: Database; logger: Logger; now?: () => number }): RefusalAuditor {
  const now = options.now ?? Date.now;
  const byAddress = new Map<string, Window>();
  const global: Window = { minute: -1, written: 0, suppressed: 0 };
  const pending = new Set<Promise<void>>();

  const write = (entry: AuditEntry) => {
    const p = appendAudit(options.db, entry)
      .catch((error: unknown) => options.logger.warn({ err: { type: (error as Error)?.name } }, 'refusal audit record not written'))
      .finally(() => pending.delete(p));
    pending.add(p);
  };
  const suppressedRecord = (clientAddress: string | null, count: number, minute: number): AuditEntry => ({
    actorAccountId: null,
    actorUsername: null,
    actorRole: null,
    action: 'request.refused_suppressed',
    entityType: 'route',
    entityId: null,
    jurisdictionCode: null,
    after: {
      suppressed: count,
      minuteStartedAt: new Date(minute * 60_000).toISOString(),
      scope: clientAddress === null ? 'all addresses' : 'this address',
    },
    clientAddress,
    success: false,
    reason: 'rate_guard',
  });
  const roll = (window: Window, minute: number, clientAddress: string | null) => {
    if (window.minute === minute) return;
    if (window.suppressed > 0) write(suppressedRecord(clientAddress, window.suppressed, window.minute));
    window.minute = minute;
    window.written = 0;
    window.suppressed = 0;
  };

  return {
    record(req, status, code, details) {
      if (!AUDITED_REFUSAL_STATUSES.has(status) || req.res?.locals.refusalAudited) return;
      const minute = Math.floor(now() / 60_000);
      const address = req.ip ?? 'unknown';
      let window = byAddress.get(address);
      if (!window) {
        if (byAddress.size >= MAX_TRACKED_ADDRESSES) byAddress.delete(byAddress.keys().next().value as string);
        window = { minute, written: 0, suppressed: 0 };
        byAddress.set(address, window);
      }
      roll(window, minute, req.ip ?? null);
      roll(global, minute, null);
      if (window.written >= PER_ADDRESS_PER_MINUTE || global.written >= GLOBAL_PER_MINUTE) {
        window.suppressed++;
        if (window.written < PER_ADDRESS_PER_MINUTE) global.suppressed++;
        return;
      }
      window.written++;
      global.written++;
      const auth = req.auth;
      write({
        actorAccountId: auth?.accountId ?? null,
        actorUsername: auth?.username ?? null,
        actorRole: auth?.role ?? null,
        action: 'request.refused',
        entityType: 'route',
        entityId: routeOf(req),
        jurisdictionCode: auth && auth.jurisdiction !== 'city' ? auth.jurisdiction : null,
        after: {
          status,
          code,
          via: auth?.via ?? 'anonymous',
          ...(auth?.screenTokenId !== undefined ? { screenTokenId: auth.screenTokenId } : {}),
          ...(unrecognisedCredential(req) ? { credential: unrecognisedCredential(req) } : {}),
          ...(fieldsOf(details) ? { fields: fieldsOf(details) } : {}),
        },
        clientAddress: req.ip ?? null,
        success: false,
        reason: code.slice(0, 64),
      });
    },
    async settled() {
      while (pending.size) await Promise.all([...pending]);
    },
  };
}
