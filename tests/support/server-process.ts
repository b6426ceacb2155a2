/**
 * A real GridOps server process (server/main.ts through tsx) for multi-instance and fault tests (issue 24):
 *
 *   const a = await startServerProcess({ DATABASE_URL: url, LEADER_RETRY_MS: '1000' });
 *   await fetch(`${a.baseUrl}/api/health/ready`);
 *   a.kill('SIGKILL');  await a.exited;
 *
 * It listens on 127.0.0.1 on a free port; ready when /api/health/ready answers 200. Defaults keep it light: no
 * seeding, no simulator, no IoT broker, no tile warm-up. `metric(name)` reads one value from its /metrics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from './postgres-cluster.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ServerProcess {
  baseUrl: string;
  port: number;
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** The last 64 KiB of its output. */
  output(): string;
  kill(signal: NodeJS.Signals): void;
  /** One sample of its /metrics (loopback), or null when absent or the server does not answer. */
  metric(name: string): Promise<number | null>;
}

export async function startServerProcess(env: Record<string, string>, readyTimeoutMs = 90_000): Promise<ServerProcess> {
  const port = await findFreePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('server', 'main.ts')], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(port),
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      SEED_ON_START: 'false',
      DISPATCH_MODE: 'live',
      IOT_ENABLED: 'false',
      TILE_WARMUP: 'false',
      ADMIN_PASSWORD: 'admin-password-for-tests-0123',
      PG_POOL_SIZE: '4',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-65_536);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve((exitCode = code))));
  const baseUrl = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (exitCode !== undefined) throw new Error(`server exited (${exitCode}) before it was ready:\n${output.slice(-4000)}`);
    if (Date.now() - started > readyTimeoutMs) {
      child.kill('SIGKILL');
      throw new Error(`server not ready after ${readyTimeoutMs} ms:\n${output.slice(-4000)}`);
    }
    try {
      const res = await fetch(`${baseUrl}/api/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    baseUrl,
    port,
    child,
    exited,
    output: () => output,
    kill: (signal) => {
      if (exitCode === undefined) child.kill(signal);
    },
    async metric(name) {
      try {
        const res = await fetch(`${baseUrl}/metrics`);
        if (res.status !== 200) return null;
        const line = (await res.text()).split('\n').find((l) => l.startsWith(`${name} `));
        return line ? Number(line.slice(name.length + 1)) : null;
      } catch {
        return null;
      }
    },
  };
}
