/**
 * The one input-sanitation seam (issue 18): text with a NUL or another control character, or with a lone
 * UTF-16 surrogate, is refused with 400 `invalid_text` naming the field, before any route sees it —
 * PostgreSQL cannot store U+0000 in text (it answered 500), and control characters in names, reasons and
 * descriptions only ever come from broken or hostile clients. Tab, line feed and carriage return stay
 * allowed (multi-line descriptions). Checked: every decoded path segment (so every path parameter of every
 * route), every query value, every JSON body string and key; the multipart (photo notes) and URL-encoded
 * (Open311) bodies that routes parse themselves call `assertSafeText` on their fields.
 *
 * A path that is not valid percent-encoding (`/api/units/%zz`) is 400 `bad_path_encoding`; a JSON body nested
 * deeper than MAX_BODY_DEPTH is 400 `body_too_deep` (no route takes more than a GeoJSON multipolygon's 7).
 */
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error.js';

/** C0 controls except tab, LF, CR; DEL; C1 controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole purpose
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
export const MAX_BODY_DEPTH = 24;

export interface TextProblem {
  field: string;
  reason: 'control_character' | 'lone_surrogate';
  /** The offending code point as U+XXXX (never the text itself). */
  codePoint?: string;
}

/** The problem with one string, if any. */
export function checkText(value: string): Omit<TextProblem, 'field'> | null {
  const control = CONTROL_CHARACTER.exec(value);
  if (control) return { reason: 'control_character', codePoint: `U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` };
  if (LONE_SURROGATE.test(value)) return { reason: 'lone_surrogate' };
  return null;
}

/** A field name safe to show and log: `body.description`, or `body["od d"]` with a hostile key's characters escaped. */
function fieldName(prefix: string, key: string): string {
  if (/^[A-Za-z_][\w-]{0,63}$/.test(key)) return `${prefix}.${key}`;
  const quoted = JSON.stringify(key.slice(0, 64).replace(LONE_SURROGATES, '\uFFFD')).replace(
    /[\u007F-\u009F]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `${prefix}[${quoted}]`;
}

/** The first problem in a parsed value (strings, keys, arrays, objects), walked without recursion. */
export function findTextProblem(value: unknown, root: string): TextProblem | { field: string; reason: 'too_deep' } | null {
  const stack: [unknown, string, number][] = [[value, root, 0]];
  while (stack.length) {
    const [item, field, depth] = stack.pop()!;
    if (typeof item === 'string') {
      const problem = checkText(item);
      if (problem) return { field, ...problem };
    } else if (item !== null && typeof item === 'object') {
      if (depth >= MAX_BODY_DEPTH) return { field, reason: 'too_deep' };
      if (Array.isArray(item)) {
        for (let i = item.length - 1; i >= 0; i--) stack.push([item[i], `${field}[${i}]`, depth + 1]);
      } else {
        for (const [key, inner] of Object.entries(item)) {
          const name = fieldName(field, key);
          const keyProblem = checkText(key);
          if (keyProblem) return { field: name, ...keyProblem };
          stack.push([inner, name, depth + 1]);
        }
      }
    }
  }
  return null;
}

export function textRefusal(problem: NonNullable<ReturnType<typeof findTextProblem>>): AppError {
  if (problem.reason === 'too_deep') {
    return new AppError(400, 'body_too_deep', `The request body is nested deeper than ${MAX_BODY_DEPTH} levels`, { field: problem.field });
  }
  const what = problem.reason === 'lone_surrogate' ? 'an unpaired UTF-16 surrogate' : `the control character ${problem.codePoint}`;
  return new AppError(400, 'invalid_text', `${problem.field} contains ${what}`, { ...problem });
}

/** Throw 400 invalid_text when a parsed value (a route's own multipart or form fields) holds unsafe text. */
export function assertSafeText(value: unknown, root: string): void {
  const problem = findTextProblem(value, root);
  if (problem) throw textRefusal(problem);
}

/** The decoded segments of a request path; null when it is not valid percent-encoding. */
export function decodePathSegments(rawPath: string): string[] | null {
  try {
    return rawPath.split('/').map((segment) => decodeURIComponent(segment));
  } catch {
    return null;
  }
}

/** The global seam: path, query and (already parsed) JSON body. Runs before every router. */
export function textSanitation(): RequestHandler {
  return (req, _res, next) => {
    const segments = decodePathSegments(req.path);
    if (!segments) return next(new AppError(400, 'bad_path_encoding', 'The request path is not valid percent-encoding'));
    for (const segment of segments) {
      const problem = checkText(segment);
      if (problem) return next(textRefusal({ field: 'path', ...problem }));
    }
    const problem = findTextProblem(req.query, 'query') ?? (req.body !== undefined ? findTextProblem(req.body, 'body') : null);
    if (problem) return next(textRefusal(problem));
    next();
  };
}

/** For a body a route parses itself (URL-encoded, multipart): the same check, after its parser. */
export function sanitizedBody(): RequestHandler {
  return (req, _res, next) => {
    const problem = findTextProblem(req.body, 'body');
    next(problem ? textRefusal(problem) : undefined);
  };
}
