/**
 * The field app's outbox in IndexedDB (npm `idb`): every report, photo and case step goes in here first and is
 * sent in order (outbox-rules.ts) with its Idempotency-Key and the session's CSRF token — at once when online,
 * when the network returns otherwise (the `online` event, a return to the app, every 20 s). Items survive a
 * closed app; sent items stay visible for a day, failed ones until the worker dismisses them.
 */
import { openDB, type IDBPDatabase } from 'idb';
import { nextToSend, outcomeOfAnswer, type Outcome, type OutboxItem } from './outbox-rules.js';

const DB_NAME = 'gridops-field';
const STORE = 'outbox';
const KEEP_SENT_MS = 24 * 3600_000;
const RETRY_MS = 20_000;

export type OutboxStop = 'offline' | 'server_error' | 'sign_in' | null;
export type NewOutboxItem = Omit<OutboxItem, 'seq' | 'key' | 'state' | 'createdAt' | 'attempts'>;

export interface Outbox {
  add(item: NewOutboxItem): Promise<OutboxItem>;
  /** Resolves when the item is sent or failed; stays pending while it waits for the network. */
  settled(seq: number): Promise<OutboxItem>;
  list(): Promise<OutboxItem[]>;
  dismiss(seq: number): Promise<void>;
  flush(): Promise<void>;
  /** Why the last round stopped (null: everything was sent). */
  lastStop(): OutboxStop;
  onChange(listener: () => void): () => void;
}

export function createOutbox(csrfToken: () => string | null): Outbox {
  let database: Promise<IDBPDatabase> | null = null;
  const db = () =>
    (database ??= openDB(DB_NAME, 1, {
      upgrade(upgrade) {
        upgrade.createObjectStore(STORE, { keyPath: 'seq', autoIncrement: true });
      },
    }));
  const listeners = new Set<() => void>();
  const waiting = new Map<number, ((item: OutboxItem) => void)[]>();
  let running: Promise<void> | null = null;
  let stop: OutboxStop = null;
  const changed = () => listeners.forEach((l) => l());

  const put = async (item: OutboxItem) => {
    await (await db()).put(STORE, item);
    changed();
  };
  const settle = (item: OutboxItem) => {
    for (const resolve of waiting.get(item.seq) ?? []) resolve(item);
    waiting.delete(item.seq);
  };

  const send = async (item: OutboxItem): Promise<{ outcome: Outcome; body: unknown }> => {
    const headers: Record<string, string> = { accept: 'application/json', 'idempotency-key': item.key };
    const token = csrfToken();
    if (token) headers['x-csrf-token'] = token;
    let body: BodyInit | undefined;
    if (item.form) {
      const form = new FormData();
      for (const [name, value] of Object.entries(item.form.fields)) form.append(name, value);
      if (item.form.photo) form.append('photo', item.form.photo, item.form.photoName ?? 'photo.jpg');
      body = form;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(item.json ?? {});
    }
    try {
      const response = await fetch(item.url, { method: item.method, headers, body, credentials: 'same-origin' });
      const answer = await response.json().catch(() => null);
      return { outcome: outcomeOfAnswer(response.status, answer), body: answer };
    } catch {
      return { outcome: outcomeOfAnswer(0, null), body: null };
    }
  };

  const round = async () => {
    const store = await db();
    const all = (await store.getAll(STORE)) as OutboxItem[];
    for (const old of all) if (old.state === 'sent' && Date.now() - (old.sentAt ?? 0) > KEEP_SENT_MS) await store.delete(STORE, old.seq);
    stop = null;
    for (;;) {
      const item = nextToSend((await store.getAll(STORE)) as OutboxItem[]);
      if (!item) break;
      await put({ ...item, state: 'sending', attempts: item.attempts + 1 });
      const { outcome, body } = await send(item);
      if (outcome.state === 'queued') {
        await put({ ...item, state: 'queued', attempts: item.attempts + 1 });
        stop = outcome.stop;
        break;
      }
      const done: OutboxItem =
        outcome.state === 'sent'
          ? { ...item, state: 'sent', attempts: item.attempts + 1, sentAt: Date.now(), answer: body, error: undefined }
          : { ...item, state: 'failed', attempts: item.attempts + 1, error: outcome.error };
      // A sent photo's bytes are not needed any more.
      if (done.state === 'sent' && done.form?.photo) done.form = { fields: done.form.fields };
      await put(done);
      settle(done);
    }
    changed();
  };

  const flush = () => {
    running ??= round().finally(() => {
      running = null;
    });
    return running;
  };

  if (typeof window !== 'undefined') {
    window.addEventListener('online', () => void flush());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void flush();
    });
    setInterval(() => {
      if (stop !== null && stop !== 'sign_in') void flush();
    }, RETRY_MS);
  }

  return {
    async add(input) {
      const item = { ...input, key: randomKey(), state: 'queued', createdAt: Date.now(), attempts: 0 } as Omit<OutboxItem, 'seq'>;
      const seq = (await (await db()).add(STORE, item)) as number;
      changed();
      void flush();
      return { ...item, seq };
    },
    settled(seq) {
      return new Promise((resolve) => {
        void db()
          .then((store) => store.get(STORE, seq))
          .then((item: OutboxItem | undefined) => {
            if (item && (item.state === 'sent' || item.state === 'failed')) resolve(item);
            else waiting.set(seq, [...(waiting.get(seq) ?? []), resolve]);
          });
      });
    },
    async list() {
      return ((await (await db()).getAll(STORE)) as OutboxItem[]).sort((a, b) => b.seq - a.seq);
    },
    async dismiss(seq) {
      await (await db()).delete(STORE, seq);
      changed();
    },
    flush,
    lastStop: () => stop,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** A random UUID v4 (crypto.randomUUID needs a secure context; an intranet may serve the app over plain HTTP). */
export function randomKey(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
