/**
 * An express-rate-limit store in PostgreSQL (migration 0022), for limits that hold across every instance of a
 * deployment (issue 24): one atomic upsert per hit. Keys are hashed with the limiter's name (no IP address stored).
 * A database error lets the request through (fail open, logged): a limiter must not turn a database hiccup into
 * refused sign-ins; the request itself will meet the same database.
 *
 *   rateLimit({ …, store: rateLimitStore(db, 'login') })   // in-memory (undefined) on the embedded database
 */
import { createHash } from 'node:crypto';
import type { Store, Options, IncrementResponse } from 'express-rate-limit';
import type { Database } from '../db/database.js';
import { countRateLimitHit, resetRateLimitKey, sweepRateLimits, uncountRateLimitHit } from './rate-limit.sql.js';

const SWEEP_MS = 10 * 60_000;

export class PostgresRateLimitStore implements Store {
  localKeys = false;
  private windowMs = 60_000;
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Database,
    readonly name: string,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  private hash(key: string): string {
    return createHash('sha256').update(`${this.name}\n${key}`).digest('base64url');
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    this.sweeper = setInterval(() => void this.db.query(sweepRateLimits).catch(this.onError), SWEEP_MS);
    this.sweeper.unref();
  }

  async increment(key: string): Promise<IncrementResponse> {
    try {
      const [row] = await this.db.query<{ hits: number; reset_at: Date }>(countRateLimitHit, [this.hash(key), this.windowMs]);
      return { totalHits: Number(row!.hits), resetTime: new Date(row!.reset_at) };
    } catch (error) {
      this.onError(error);
      // Fail open as this key's first hit of a new window (express-rate-limit refuses 0 hits and a missing reset).
      return { totalHits: 1, resetTime: new Date(Date.now() + this.windowMs) };
    }
  }

  async decrement(key: string): Promise<void> {
    await this.db.query(uncountRateLimitHit, [this.hash(key)]).catch(this.onError);
  }

  async resetKey(key: string): Promise<void> {
    await this.db.query(resetRateLimitKey, [this.hash(key)]).catch(this.onError);
  }

  shutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
  }
}

/** The shared store on a real PostgreSQL, undefined (express-rate-limit's memory store) on the embedded database. */
export function rateLimitStore(db: Database, name: string, onError?: (error: unknown) => void): Store | undefined {
  return db.mode === 'postgres' ? new PostgresRateLimitStore(db, name, onError) : undefined;
}
