/**
 * The outbox's rules, pure (the IndexedDB store is outbox.ts): items go strictly in the order they were made,
 * one at a time; an item interrupted while sending is sent again (its Idempotency-Key makes that safe); a lost
 * network, a server error or an ended session stops the round and keeps the item; any other refusal (4xx) fails
 * the item with its reason, shown to the worker and never dropped silently.
 */
export type OutboxState = 'queued' | 'sending' | 'sent' | 'failed';
export type OutboxKind = 'patrol' | 'step' | 'photo' | 'arrive';

export interface OutboxError {
  status: number;
  code: string;
  /** The lifecycle's reason code when the server gave one (e.g. not_the_assigned_worker). */
  reason?: string;
  message?: string;
  /** too_far_from_case: how far, and the radius. */
  distanceMetres?: number;
  radiusMetres?: number;
}

export interface OutboxItem {
  /** Order of creation (IndexedDB key). */
  seq: number;
  /** The Idempotency-Key (a random UUID). */
  key: string;
  kind: OutboxKind;
  /** What the worker sees, e.g. "巡查上报 · 井盖破损". */
  label: string;
  method: 'POST';
  url: string;
  json?: unknown;
  /** A multipart form: text fields and at most one photo. */
  form?: { fields: Record<string, string>; photo?: Blob; photoName?: string };
  state: OutboxState;
  createdAt: number;
  sentAt?: number;
  attempts: number;
  error?: OutboxError;
  /** The server's answer once sent (e.g. the case number of a patrol report). */
  answer?: unknown;
  /** The case a step is about. */
  incidentId?: number;
}

export type Outcome = { state: 'sent' } | { state: 'queued'; stop: 'offline' | 'server_error' | 'sign_in' } | { state: 'failed'; error: OutboxError };

export function nextToSend(items: readonly OutboxItem[]): OutboxItem | null {
  let next: OutboxItem | null = null;
  for (const item of items) {
    if ((item.state === 'queued' || item.state === 'sending') && (next === null || item.seq < next.seq)) next = item;
  }
  return next;
}

export function pendingCount(items: readonly OutboxItem[]): number {
  return items.filter((i) => i.state === 'queued' || i.state === 'sending').length;
}

/** status 0 = no answer (network). */
export function outcomeOfAnswer(status: number, body: unknown): Outcome {
  if (status >= 200 && status < 300) return { state: 'sent' };
  if (status === 0) return { state: 'queued', stop: 'offline' };
  if (status === 401) return { state: 'queued', stop: 'sign_in' };
  const payload = (body ?? {}) as {
    code?: unknown;
    message?: unknown;
    details?: { reason?: unknown; distanceMetres?: unknown; radiusMetres?: unknown };
  };
  const code = typeof payload.code === 'string' ? payload.code : `http_${status}`;
  // The first request with this key is still running on the server: try again later.
  if (status >= 500 || code === 'idempotency_in_progress' || status === 429) return { state: 'queued', stop: 'server_error' };
  const error: OutboxError = { status, code };
  if (typeof payload.details?.reason === 'string') error.reason = payload.details.reason;
  if (typeof payload.message === 'string') error.message = payload.message;
  if (typeof payload.details?.distanceMetres === 'number') error.distanceMetres = payload.details.distanceMetres;
  if (typeof payload.details?.radiusMetres === 'number') error.radiusMetres = payload.details.radiusMetres;
  return { state: 'failed', error };
}
