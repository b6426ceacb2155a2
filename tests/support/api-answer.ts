/**
 * API answers as route specs read them. `callRoute(baseUrl, route, path, …)` sends a request to a declared route
 * (server/contract/api-route.ts) and types its answer as `Answer<typeof route>`: the contract's answer with the
 * error body's optional fields, so a spec's assertions on a success and on a 4xx's `code` both type-check
 * against the contract (tests/contract/api-contract.spec.ts checks the real answers against the schemas).
 */
import type { z } from 'zod';
import type { AnswerOf, ApiRoute, apiErrorSchema } from '../../server/contract/api-route.js';

export type ApiErrorBody = z.output<typeof apiErrorSchema>;
/** A route whose success is a file (no `answer`) answers JSON only on an error. */
export type Answer<R> = ([AnswerOf<R>] extends [never] ? unknown : AnswerOf<R>) & Partial<ApiErrorBody>;

/** Whether a concrete path (query string aside) is one of the route's, e.g. /api/units/320113 of /api/units/:code. */
export function pathMatchesRoute(route: Pick<ApiRoute, 'path'>, path: string): boolean {
  const pattern = route.path
    .split(/(:[A-Za-z_][A-Za-z0-9_]*)/)
    .map((part) => (part.startsWith(':') ? '[^/]+?' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${pattern}$`).test(path.split('?')[0] ?? '');
}

/** Send a JSON request to a declared route; the answer typed by its contract (null for an empty body). */
export async function callRoute<R extends ApiRoute>(
  baseUrl: string,
  route: R,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; body: Answer<R>; headers: Headers }> {
  if (!pathMatchesRoute(route, path)) throw new Error(`${path} is not a path of ${route.method.toUpperCase()} ${route.path}`);
  const res = await fetch(`${baseUrl}${path}`, {
    method: route.method.toUpperCase(),
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Answer<R>, headers: res.headers };
}
