/**
 * The embedded database's own thread (issue 18): this worker owns the PGlite instance (PostgreSQL compiled to
 * WebAssembly, with PostGIS) so that a long statement — a whole-city tile, a drawn area of 10,000 vertices —
 * runs here and never blocks the HTTP thread's event loop. The main thread's driver (pglite-driver.ts) keeps
 * the `Database` interface, the serialisation, the session scope and the deadlines; this file only executes
 * one message at a time, in the order received, and answers each with the same id:
 *
 *   open { dataDir?, dump? }   → {}                    (dump: a gzip tarball from dumpDataDir, transferred)
 *   query { text, params }     → { rows }
 *   exec { text }              → {}                    (several statements, no parameters)
 *   dump                       → { dump: ArrayBuffer } (transferred, not copied)
 *   close                      → {}                    (the thread then ends)
 *
 * Errors answer `{ error: { code, message } }` (SQLSTATE and PostgreSQL's message, for the driver's
 * DatabaseError; the message is logged there, never sent to a client). No module of the application is
 * imported here: nothing but PGlite runs on this thread.
 */
import { parentPort } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';

export type WorkerRequest =
  | { id: number; op: 'open'; dataDir?: string; dump?: ArrayBuffer }
  | { id: number; op: 'query'; text: string; params: unknown[] }
  | { id: number; op: 'exec'; text: string }
  | { id: number; op: 'dump' }
  | { id: number; op: 'close' };

export type WorkerAnswer = { id: number; rows?: unknown[]; dump?: ArrayBuffer } | { id: number; error: { code?: string; message: string } };

/** bigint and numeric results as numbers, as the pg driver gives them (every count here fits in 2^53). */
const parsers = {
  20: (v: string) => Number(v),
  1700: (v: string) => Number(v),
};

let pglite: PGlite | undefined;

function opened(): PGlite {
  if (!pglite) throw new Error('the embedded database is not open');
  return pglite;
}

async function handle(request: WorkerRequest): Promise<{ answer: WorkerAnswer; transfer: ArrayBuffer[] }> {
  switch (request.op) {
    case 'open':
      pglite = await PGlite.create({
        dataDir: request.dataDir,
        loadDataDir: request.dump ? new Blob([request.dump], { type: 'application/x-gzip' }) : undefined,
        extensions: { postgis },
        parsers,
      });
      return { answer: { id: request.id }, transfer: [] };
    case 'query': {
      const result = await opened().query(request.text, request.params);
      return { answer: { id: request.id, rows: result.rows }, transfer: [] };
    }
    case 'exec':
      await opened().exec(request.text);
      return { answer: { id: request.id }, transfer: [] };
    case 'dump': {
      const blob = await opened().dumpDataDir('gzip');
      const dump = await blob.arrayBuffer();
      return { answer: { id: request.id, dump }, transfer: [dump] };
    }
    case 'close':
      await pglite?.close();
      pglite = undefined;
      return { answer: { id: request.id }, transfer: [] };
  }
}

const port = parentPort;
if (!port) throw new Error('pglite-worker.ts runs as a worker thread of pglite-driver.ts');

// One message at a time, in order: PGlite is one session, and the driver relies on BEGIN, the transaction's
// statements and COMMIT running back to back.
let tail: Promise<void> = Promise.resolve();
port.on('message', (request: WorkerRequest) => {
  tail = tail.then(async () => {
    let reply: { answer: WorkerAnswer; transfer: ArrayBuffer[] };
    try {
      reply = await handle(request);
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      reply = {
        answer: { id: request.id, error: { code: typeof e?.code === 'string' ? e.code : undefined, message: String(e?.message ?? error) } },
        transfer: [],
      };
    }
    try {
      port.postMessage(reply.answer, reply.transfer);
    } catch (error) {
      // A result that cannot be cloned (never expected from PGlite's rows): answer with an error instead.
      port.postMessage({ id: request.id, error: { message: `result could not be sent to the main thread: ${String(error)}` } });
    }
    if (request.op === 'close') port.close();
  });
});
