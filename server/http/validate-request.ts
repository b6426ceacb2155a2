/** Validate a request part against a zod schema; failures become 400s with a stable code and the reasons. */
import type { z } from 'zod';
import { AppError } from '../errors/app-error.js';

export function validateRequestPart<S extends z.ZodType>(schema: S, value: unknown, code: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const reasons = parsed.error.issues.map((i) => ({ field: i.path.join('.') || '(request)', reason: i.message }));
  throw new AppError(400, code, `Invalid request: ${reasons.map((r) => `${r.field}: ${r.reason}`).join('; ')}`, { reasons });
}
