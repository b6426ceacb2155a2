/**
 * Every route declares who may call it: `access('dispatcher', 'supervisor')` or `publicRoute()`.
 * A route without a declaration fails server/auth/route-access.routes.spec.ts, which walks every route of
 * the application and requires an access handler first.
 * State-changing requests from a cookie session must carry the session's CSRF token in X-CSRF-Token;
 * a screen token can never change anything.
 */
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';
import { equalSecrets } from './secrets.js';
import type { Role } from '../contract/incident-vocabulary.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const ACCESS_MARK = Symbol('gridops.access');

export type AccessHandler = RequestHandler & { [ACCESS_MARK]: readonly Role[] | 'public' };

export function access(...roles: Role[]): AccessHandler {
  if (roles.length === 0) throw new Error('access() needs at least one role');
  const handler: RequestHandler = (req, res, next) => {
    res.locals.accessDeclared = true;
    const auth = req.auth;
    if (!auth) return next(new AppError(401, 'authentication_required', 'Sign in first'));
    if (!roles.includes(auth.role)) {
      return next(new AppError(403, 'role_forbidden', `The role ${auth.role} may not do this`, { allowed: roles }));
    }
    if (!SAFE_METHODS.has(req.method)) {
      if (auth.via !== 'session') return next(new AppError(403, 'read_only_token', 'A screen token can only read'));
      const sent = req.get('x-csrf-token');
      if (!sent || !auth.csrfToken || !equalSecrets(sent, auth.csrfToken)) {
        return next(new AppError(403, 'csrf_token_invalid', 'Missing or wrong X-CSRF-Token header'));
      }
    }
    next();
  };
  return Object.assign(handler, { [ACCESS_MARK]: roles });
}

export function publicRoute(): AccessHandler {
  const handler: RequestHandler = (_req, res, next) => {
    res.locals.accessDeclared = true;
    next();
  };
  return Object.assign(handler, { [ACCESS_MARK]: 'public' as const });
}

/** The access handler a route's contract declares (server/contract/api-route.ts): one list of roles for both. */
export function contractAccess(route: { access: readonly Role[] | 'public' }): AccessHandler {
  return route.access === 'public' ? publicRoute() : access(...route.access);
}
