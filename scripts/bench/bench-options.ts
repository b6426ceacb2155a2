/** `npm run bench`'s command line (scripts/bench.ts: the options are listed at its top). */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SeedArea } from '../../server/seed/seed-context.js';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Options {
  skipSeed: boolean;
  dataDir: string;
  points: number;
  rounds: number;
  starts: number;
  skipPostgres: boolean;
  out: string;
  area: SeedArea;
  onlySeed: boolean;
}

export function parseOptions(argv: string[]): Options {
  const options: Options = {
    skipSeed: false,
    dataDir: path.join(ROOT_DIR, 'data', 'tmp', 'bench-pglite'),
    points: 1000,
    rounds: 5,
    starts: 5,
    skipPostgres: false,
    out: path.join(ROOT_DIR, 'BENCHMARKS.md'),
    area: 'nanjing',
    onlySeed: false,
  };
  const positive = (flag: string, value: string | undefined) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} needs a positive whole number, got ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--skip-seed') options.skipSeed = true;
    else if (flag === '--skip-postgres') options.skipPostgres = true;
    else if (flag === '--only-seed') options.onlySeed = true;
    else if (flag === '--data-dir') options.dataDir = path.resolve(value());
    else if (flag === '--out') options.out = path.resolve(value());
    else if (flag === '--points') options.points = positive(flag, value());
    else if (flag === '--rounds') options.rounds = positive(flag, value());
    else if (flag === '--starts') options.starts = positive(flag, value());
    else if (flag === '--area') {
      const area = value();
      if (area !== 'nanjing' && area !== 'xianlin') throw new Error(`--area must be nanjing or xianlin, got ${area}`);
      options.area = area;
    } else throw new Error(`unknown option ${flag} (see the comment at the top of scripts/bench.ts)`);
  }
  return options;
}
