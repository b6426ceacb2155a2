/**
 * The one error middleware: AppError → its status and body; anything else → 500 without details.
 * Bodies are `{ code, message[, details] }`; under /open311 they take the GeoReport v2 shape
 * `[{ code: <status>, description: "<code>: <message>" }]` that Open311 clients expect.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { DatabaseError } from '../db/database.js';
import { AppError } from './app-error.js';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError(404, 'route_not_found', `No route for ${req.method} ${req.path}`));
}

function send(req: Request, res: Response, status: number, code: string, message: string, details?: Record<string, unknown>): void {
  if (req.path.startsWith('/open311/')) {
    res.status(status).json([{ code: status, description: `${code}: ${message}` }]);
    return;
  }
  res.status(status).json({ code, message, ...(details ? { details } : {}) });
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof AppError) {
      if (error.status >= 500) logger.error({ err: { message: error.message }, path: req.path }, error.code);
      send(req, res, error.status, error.code, error.message, error.details);
      return;
    }
    // Body parser errors (malformed JSON, too large) carry a status and a type.
    const status = (error as { status?: number }).status;
    const type = (error as { type?: string }).type;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = type === 'entity.too.large' ? 'body_too_large' : type === 'entity.parse.failed' ? 'malformed_json' : 'bad_request';
      send(req, res, status, code, code === 'body_too_large' ? 'Request body is too large' : 'Request body could not be read');
      return;
    }
    if (error instanceof DatabaseError && error.isTimeout) {
      logger.warn({ statement: error.statementName, path: req.path }, 'database timeout');
      send(req, res, 503, 'database_timeout', 'The database took too long to answer; try again or narrow the request');
      return;
    }
    // The statement name and SQLSTATE go to the log; the database message (which can quote values) goes
    // nowhere, and is never sent.
    logger.error(
      error instanceof DatabaseError
        ? { statement: error.statementName, sqlState: error.sqlState, path: req.path }
        : { err: { type: (error as Error)?.name, message: (error as Error)?.message, stack: (error as Error)?.stack }, path: req.path },
      'unhandled error',
    );
    send(req, res, 500, 'internal_error', 'Something went wrong on the server; it has been logged');
  };
}
