/** The signed-in caller of a request as an actor of the incident lifecycle. */
import type { Request } from 'express';
import { authOf } from '../auth/request-context.js';
import type { Actor } from './incident-lifecycle.js';

export function actorOf(req: Request): Actor {
  const auth = authOf(req);
  return { accountId: auth.accountId, role: auth.role as Actor['role'], workerCode: auth.workerCode };
}
