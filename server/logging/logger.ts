/** Structured logs (pino). Request logs carry method, path and status — never query strings or bodies. */
import { pino, type Logger } from 'pino';
import type { RequestHandler } from 'express';

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['password', '*.password', 'phone', '*.phone', 'token', '*.token', 'req.headers.cookie', 'req.headers.authorization'],
        censor: '[redacted]',
      },
    },
    // Synchronous to stdout by default, so that the first start's seed progress shows as it happens.
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    res.on('finish', () => {
      logger.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 }, 'request');
    });
    next();
  };
}
