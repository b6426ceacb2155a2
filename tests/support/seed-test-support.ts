/** Test support for the seed steps' specs: the reference data and a Xianlin seed context. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../server/db/database.js';
import type { SeedContext } from '../../server/seed/seed-context.js';

export const REFERENCE_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'data', 'nanjing');

export function xianlinContext(db: Database): SeedContext {
  return { db, area: 'xianlin', referenceDir: REFERENCE_DIR, progress: () => undefined };
}
