/**
 * The sample reverse proxy (deploy/nginx/gridops.conf) in front of test server processes (issue 24): the file itself,
 * with its upstream lines and listen port replaced, inside a minimal main configuration in a temporary directory.
 *
 *   const proxy = await startNginxProxy([a.port, b.port]);   // proxy.baseUrl
 *   await proxy.stop();
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from './postgres-cluster.js';

const SAMPLE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'deploy', 'nginx', 'gridops.conf');
export const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) ?? null;

export interface NginxProxy {
  baseUrl: string;
  stop(): Promise<void>;
}

export async function startNginxProxy(upstreamPorts: number[]): Promise<NginxProxy> {
  if (!NGINX) throw new Error('nginx is not installed (apt-get install nginx-light)');
  const port = await findFreePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gridops-nginx-'));
  const sample = fs.readFileSync(SAMPLE, 'utf8');
  const servers = upstreamPorts.map((p) => `  server 127.0.0.1:${p} max_fails=1 fail_timeout=10s;`).join('\n');
  const site = sample
    .replace(/(upstream gridops \{[^}]*?)((?:\s*server 127\.0\.0\.1:\d+[^;]*;)+)/, `$1\n${servers}`)
    .replace(/listen 80;/, `listen 127.0.0.1:${port};`);
  if (site === sample || !site.includes(`127.0.0.1:${port}`)) throw new Error('the sample configuration did not take the test ports');
  const temp = (name: string) => path.join(dir, name);
  fs.writeFileSync(
    temp('nginx.conf'),
    `daemon off;\nworker_processes 1;\npid ${temp('nginx.pid')};\nerror_log ${temp('error.log')} warn;\nevents { worker_connections 4096; }\n` +
      `http {\n  access_log off;\n  client_body_temp_path ${temp('body')};\n  proxy_temp_path ${temp('proxy')};\n` +
      `  fastcgi_temp_path ${temp('fastcgi')};\n  uwsgi_temp_path ${temp('uwsgi')};\n  scgi_temp_path ${temp('scgi')};\n${site}\n}\n`,
  );
  const check = spawnSync(NGINX, ['-t', '-p', dir, '-c', temp('nginx.conf')], { encoding: 'utf8' });
  if (check.status !== 0) throw new Error(`nginx -t failed: ${check.stderr}`);
  const child = spawn(NGINX, ['-p', dir, '-c', temp('nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i += 1) {
    try {
      await fetch(`${baseUrl}/api/health/live`);
      break;
    } catch {
      if (i > 100) throw new Error('nginx did not start listening');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    baseUrl,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
