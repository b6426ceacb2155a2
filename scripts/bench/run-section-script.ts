/**
 * One benchmark section measured by a script of its own process (so that it opens the embedded data directory
 * itself): run `script --data-dir <dir>`, keep its printed Markdown from `marker` on, and on failure add a note
 * naming the section instead of failing the whole bench.
 */
import { execFileSync } from 'node:child_process';

export function runSectionScript(options: {
  label: string;
  script: string;
  dataDir: string;
  marker: string;
  timeoutMinutes: number;
  notes: string[];
}): string | undefined {
  try {
    const out = execFileSync(process.execPath, ['--import', 'tsx', options.script, '--data-dir', options.dataDir], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      timeout: options.timeoutMinutes * 60_000,
    });
    return out.slice(out.indexOf(options.marker));
  } catch (error) {
    options.notes.push(`The ${options.label} benchmark failed: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}
