/**
 * A throwaway Debian Mosquitto broker for the external-broker tests and the benchmark: a configuration in a
 * temporary directory, a free loopback port, persistence on (so a restart keeps sessions and queued QoS 1
 * messages, like a production broker), stop / restart on the same port, remove. Anonymous clients are allowed:
 * device authorisation on an external broker is that broker's ACL, not GridOps' (server/iot/external-broker.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from './postgres-cluster.js';

const CANDIDATES = ['/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto', '/usr/bin/mosquitto'];

export function findMosquitto(): string | null {
  return CANDIDATES.find((p) => fs.existsSync(p)) ?? null;
}

export interface MosquittoBroker {
  port: number;
  url: string;
  /** The running broker's process id (benchmarks read its CPU), null while stopped. */
  readonly pid: number | null;
  /** Stop (SIGTERM: Mosquitto saves its persistence) and start again on the same port. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() - started > timeoutMs) reject(new Error(`mosquitto did not listen on ${port} within ${timeoutMs} ms`));
        else setTimeout(attempt, 50);
      });
    };
    attempt();
  });
}

export async function startMosquitto(): Promise<MosquittoBroker> {
  const binary = findMosquitto();
  if (!binary) throw new Error('Debian mosquitto is not installed (apt-get install mosquitto)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-mosquitto-'));
  const port = await findFreePort();
  const config = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(
    config,
    [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence true',
      `persistence_location ${dir}/`,
      // GridOps acknowledges after its durable write: let many messages be in flight to it at once.
      'max_inflight_messages 1000',
      'max_queued_messages 1000000',
      'log_dest none',
      '',
    ].join('\n'),
  );
  let child: ChildProcess | null = null;
  const start = async () => {
    child = spawn(binary, ['-c', config], { stdio: 'ignore' });
    await waitForPort(port, 10_000);
  };
  const stop = async () => {
    const running = child;
    child = null;
    if (!running || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };
  await start();
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    get pid() {
      return (child as ChildProcess | null)?.pid ?? null;
    },
    async restart() {
      await stop();
      await start();
    },
    async stop() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
