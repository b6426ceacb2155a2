/**
 * The one error middleware: AppError → its status and body; anything else → 500 without details.
 * Bodies are `{ code, message[, details] }`; under /open311 they take the GeoReport v2 shape
 * `[{ code: <status>, description: "<code>: <message>" }]` that Open311 clients expect.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { DatabaseError } from '../db/database.js';
import { AppError } from './app-error.js';

/** body-parser's error types: a stable code and a readable message each. */
const BODY_ERRORS: Record<string, [string, string]> = {
  'entity.too.large': ['body_too_large', 'Request body is too large'],
  'entity.parse.failed': ['malformed_json', 'Request body is not valid JSON'],
  'encoding.unsupported': ['unsupported_content_encoding', 'Request body has an unsupported Content-Encoding'],
  'charset.unsupported': ['unsupported_charset', 'Request body has an unsupported charset'],
  'request.aborted': ['request_aborted', 'The request body was not sent completely'],
  'request.size.invalid': ['bad_request', 'Request body is shorter or longer than its Content-Length'],
  'parameters.too.many': ['too_many_parameters', 'Request body has too many parameters'],
};

export function notFoundHandler(): RequestHandler {
  return (req, _res, next) => next(new AppError(404, 'route_not_found', `No route for ${req.method} ${req.path}`));
}

function sendAnswer(req: Request, res: Response, status: number, code: string, message: string, details?: Record<string, unknown>): void {
  if (req.path.startsWith('/open311/')) {
    res.status(status).json([{ code: status, description: `${code}: ${message}` }]);
    return;
  }
  res.status(status).json({ code, message, ...(details ? { details } : {}) });
}

/** Told of every answer the middleware gives (status, code, safe details): the refusal audit listens. */
export type AnswerListener = (req: Request, status: number, code: string, details?: Record<string, unknown>) => void;

export function errorMiddleware(logger: Logger, options: { onAnswer?: AnswerListener } = {}): ErrorRequestHandler {
  const send = (req: Request, res: Response, status: number, code: string, message: string, details?: Record<string, unknown>) => {
    try {
      options.onAnswer?.(req, status, code, details);
    } catch {
      // a listener never changes the answer
    }
    sendAnswer(req, res, status, code, message, details);
  };
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
      // The router's own refusal of a path parameter that is not valid percent-encoding (the text-sanitation
      // seam refuses such paths first; this stays as a second line).
      if (status === 400 && type === undefined && /^Failed to decode param/.test((error as Error).message ?? '')) {
        send(req, res, 400, 'bad_path_encoding', 'The request path is not valid percent-encoding');
        return;
      }
      const [code, message] = BODY_ERRORS[type ?? ''] ?? ['bad_request', 'Request body could not be read'];
      send(req, res, status, code, message);
      return;
    }
    if (error instanceof DatabaseError && error.isTimeout) {
      logger.warn({ statement: error.statementName, path: req.path }, 'database timeout');
      send(req, res, 503, 'database_timeout', 'The database took too long to answer; try again or narrow the request');
      return;
    }
    // A database restart or a lost connection: the instance itself is fine and the request can be retried (the
    // readiness probe takes the instance out of the balancer meanwhile).
    if (error instanceof DatabaseError && error.isUnavailable) {
      logger.warn({ statement: error.statementName, sqlState: error.sqlState, path: req.path }, 'database unavailable');
      res.setHeader('Retry-After', '5');
      send(req, res, 503, 'database_unavailable', 'The database is not available at the moment; try again shortly');
      return;
    }
    // Class 22 (data exception: a value PostgreSQL cannot take, out of range, not a valid geometry) comes from
    // what the request sent, not from the server: 400, with the statement named in the log only.
    if (error instanceof DatabaseError && error.sqlState?.startsWith('22')) {
      logger.warn({ statement: error.statementName, sqlState: error.sqlState, path: req.path }, 'database refused a value');
      send(req, res, 400, 'invalid_value', 'A value in the request cannot be used (out of range or malformed)');
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
