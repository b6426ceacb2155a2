/**
 * What an instance's readiness and graceful shutdown share (issue 24): whether it is draining (shutting down: the
 * load balancer must stop sending to it) and how many requests are in flight (the shutdown waits for them).
 */
import type { NextFunction, Request, Response } from 'express';

export interface ServerLifecycle {
  draining: boolean;
  readonly inFlight: number;
  /** Counts requests from their start to the end of their response (or a closed connection). */
  track(req: Request, res: Response, next: NextFunction): void;
  /** Resolves when no request is in flight, or after `timeoutMs` (with the number still running). */
  drained(timeoutMs: number): Promise<number>;
}

export function createServerLifecycle(): ServerLifecycle {
  let inFlight = 0;
  const waiters = new Set<() => void>();
  return {
    draining: false,
    get inFlight() {
      return inFlight;
    },
    track(_req, res, next) {
      inFlight += 1;
      res.once('close', () => {
        inFlight -= 1;
        if (inFlight === 0) for (const wake of waiters) wake();
      });
      next();
    },
    drained(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(0);
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          waiters.delete(done);
          resolve(inFlight);
        };
        const timer = setTimeout(done, timeoutMs);
        waiters.add(done);
      });
    },
  };
}
