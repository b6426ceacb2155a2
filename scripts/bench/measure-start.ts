/**
 * Second start to ready: start the real server (server/main.ts, the same process `npm start` runs after
 * its build step) on an already-seeded embedded data directory, and time it from the spawn to the
 * first successful GET /api/health. Its own log line "GridOps ready" gives the in-process part
 * (open → migrate → capabilities → listening) as readyMs.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { findFreePort } from '../../tests/support/postgres-cluster.js';

export interface StartMeasurement {
  /** spawn → /api/health answers 200, milliseconds. */
  wallMs: number;
  /** What the server logged as readyMs (open database → listening), if it logged it. */
  serverReadyMs?: number;
}

const READY_TIMEOUT_MS = 180_000;
const POLL_INTERVAL_MS = 20;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export async function measureStart(options: { rootDir: string; dataDir: string }): Promise<StartMeasurement> {
  // The bench's own environment minus DATABASE_URL: this measures the embedded mode.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  Object.assign(env, {
    PGLITE_DATA_DIR: options.dataDir,
    HOST: '127.0.0.1',
    NODE_ENV: 'production',
    LOG_LEVEL: 'info',
    SEED_ON_START: 'false',
  });
  return startServerUntilReady({ rootDir: options.rootDir, env, readyTimeoutMs: READY_TIMEOUT_MS });
}

/**
 * Spawn server/main.ts with exactly `env` (plus PORT, a free port, and HOST 127.0.0.1 unless given), wait for
 * the first 200 from /api/health, stop it. Throws with the end of its output when it exits before, or is not
 * ready within readyTimeoutMs.
 */
export async function startServerUntilReady(options: {
  rootDir: string;
  env: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  /** Each complete line the server writes (its JSON log), e.g. to follow a first start's seed. */
  onLine?: (line: string) => void;
}): Promise<StartMeasurement> {
  const port = await findFreePort();
  const env: NodeJS.ProcessEnv = { HOST: '127.0.0.1', ...options.env, PORT: String(port) };
  const READY_TIMEOUT_MS = options.readyTimeoutMs;
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'main.ts')], {
    cwd: options.rootDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  let serverReadyMs: number | undefined;
  let exited: number | null | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = code;
      resolve();
    });
  });
  const partials = { stdout: '', stderr: '' };
  const onData = (stream: 'stdout' | 'stderr') => (chunk: Buffer) => {
    const text = chunk.toString('utf8');
    // The last 64 KiB are enough for an error message; a first start's seed logs much more.
    output = (output + text).slice(-65_536);
    const lines = (partials[stream] + text).split('\n');
    partials[stream] = lines.pop() ?? '';
    for (const line of lines) {
      options.onLine?.(line);
      if (!line.includes('GridOps ready')) continue;
      try {
        const ready = JSON.parse(line) as { readyMs?: number };
        if (typeof ready.readyMs === 'number') serverReadyMs = ready.readyMs;
      } catch {
        // not a JSON log line
      }
    }
  };
  child.stdout.on('data', onData('stdout'));
  child.stderr.on('data', onData('stderr'));

  try {
    for (;;) {
      if (exited !== undefined) throw new Error(`server exited (${exited}) before it was ready:\n${output.slice(-4000)}`);
      if (performance.now() - started > READY_TIMEOUT_MS) throw new Error(`server not ready after ${READY_TIMEOUT_MS} ms:\n${output.slice(-4000)}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/api/health`);
        await response.arrayBuffer();
        if (response.status === 200) break;
      } catch {
        // not listening yet
      }
      await sleep(POLL_INTERVAL_MS);
    }
    const wallMs = performance.now() - started;
    // The log line is written just before listening completes; give the pipe a moment to deliver it.
    for (let i = 0; i < 50 && serverReadyMs === undefined; i++) await sleep(20);
    return { wallMs, serverReadyMs };
  } finally {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exitPromise;
      clearTimeout(killer);
    }
  }
}
