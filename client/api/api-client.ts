/**
 * The one way the console calls the server: same-origin fetch with the session cookie, the session's CSRF
 * token on every state-changing request, JSON in and out, and failures as ApiError with the server's
 * stable code (translated by the caller, never shown raw).
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken: string | null = null;
const unauthorisedListeners = new Set<() => void>();

/** The CSRF token of the current session (from sign-in or /api/auth/me). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request answers 401 (the session ended); returns the function that unsubscribes. */
export function onUnauthorised(listener: () => void): () => void {
  unauthorisedListeners.add(listener);
  return () => unauthorisedListeners.delete(listener);
}

export async function apiRequest<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  return send<T>(method, path, body === undefined ? undefined : { text: JSON.stringify(body), contentType: 'application/json' });
}

/** A POST of a text file as it is (e.g. text/csv, application/geo+json), JSON back. */
export const apiPostText = <T>(path: string, text: string, contentType: string) => send<T>('POST', path, { text, contentType });

async function send<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: { text: string; contentType: string }): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = body.contentType;
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method, headers, credentials: 'same-origin', body: body?.text });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached');
  }
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => null)) as { code?: unknown; message?: unknown; details?: Record<string, unknown> } | null;
  if (!response.ok) {
    const code = typeof payload?.code === 'string' ? payload.code : response.status >= 500 ? 'internal_error' : 'unknown';
    if (response.status === 401 && path !== '/api/auth/login') for (const listener of unauthorisedListeners) listener();
    throw new ApiError(
      response.status,
      code,
      typeof payload?.message === 'string' ? payload.message : `HTTP ${response.status}`,
      payload?.details ?? {},
    );
  }
  return payload as T;
}

/** A file sent as the request body (PUT, with its content type and the CSRF token); JSON back, failures as ApiError. */
export async function apiUpload<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': contentType };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, { method: 'PUT', headers, credentials: 'same-origin', body: file });
  } catch {
    throw new ApiError(0, 'network_error', 'The server could not be reached');
  }
  const payload = (await response.json().catch(() => null)) as { code?: unknown; message?: unknown; details?: Record<string, unknown> } | null;
  if (!response.ok) {
    const code = typeof payload?.code === 'string' ? payload.code : response.status >= 500 ? 'internal_error' : 'unknown';
    if (response.status === 401) for (const listener of unauthorisedListeners) listener();
    throw new ApiError(
      response.status,
      code,
      typeof payload?.message === 'string' ? payload.message : `HTTP ${response.status}`,
      payload?.details ?? {},
    );
  }
  return payload as T;
}

export const apiGet = <T>(path: string) => apiRequest<T>('GET', path);
export const apiPost = <T>(path: string, body?: unknown) => apiRequest<T>('POST', path, body ?? {});

/** A query string from defined values. */
export function query(values: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined && value !== null) params.set(key, String(value));
  return params.toString();
}
