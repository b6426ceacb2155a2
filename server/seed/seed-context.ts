/** What every seed step receives. */
import path from 'node:path';
import type { Database } from '../db/database.js';

export type SeedArea = 'nanjing' | 'xianlin';

/** The fixed seed of every generated layer: change it and every generated layer changes. */
export const SEED = 20261123;

/** 仙林街道, Qixia district: the small subset used by tests (`--area xianlin`). */
export const XIANLIN_STREET_CODE = '320113007';
export const QIXIA_DISTRICT_CODE = '320113';

export interface SeedContext {
  db: Database;
  area: SeedArea;
  /** data/nanjing inside the project: the copied reference data. */
  referenceDir: string;
  progress(step: string, detail?: Record<string, unknown>): void;
}

export function referenceDirOf(rootDir: string): string {
  return path.join(rootDir, 'data', 'nanjing');
}
