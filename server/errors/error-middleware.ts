/** The one error middleware: AppError → its status and body; anything else → 500 without details. */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { DatabaseError } from '../db/database.js';
import { AppError } from './app-error.js';

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError(404, 'route_not_found', `No route for ${req.method} ${req.path}`));
}

export function errorMiddleware(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    if (error instanceof AppError) {
      if (error.status >= 500) logger.error({ err: error.cause ?? error, path: req.path }, error.code);
      res.status(error.status).json({ code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) });
      return;
    }
    // Body parser errors (malformed JSON, too large) carry a status and a type.
    const status = (error as { status?: number }).status;
    const type = (error as { type?: string }).type;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const code = type === 'entity.too.large' ? 'body_too_large' : type === 'entity.parse.failed' ? 'malformed_json' : 'bad_request';
      res.status(status).json({ code, message: code === 'body_too_large' ? 'Request body is too large' : 'Request body could not be read' });
      return;
    }
    if (error instanceof DatabaseError && error.isTimeout) {
      logger.warn({ statement: error.statementName, path: req.path }, 'database timeout');
      res.status(503).json({ code: 'database_timeout', message: 'The database took too long to answer; try again or narrow the request' });
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
    res.status(500).json({ code: 'internal_error', message: 'Something went wrong on the server; it has been logged' });
  };
}
