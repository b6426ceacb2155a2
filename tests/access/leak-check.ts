/**
 * Find every unit reference in a JSON response that lies outside a jurisdiction. A value is a unit
 * reference when its key ends in "code" and it is a 6–18 digit unit code, or a worker code (W + the
 * micro-grid code + index). Allowed: the jurisdiction's subtree and its ancestors (for names in chains).
 */
export function isAllowedUnit(jurisdiction: string, code: string): boolean {
  return jurisdiction === 'city' || code.startsWith(jurisdiction) || jurisdiction.startsWith(code);
}

export function findLeaks(jurisdiction: string, body: unknown): string[] {
  const leaks: string[] = [];
  const visit = (value: unknown, key: string) => {
    if (Array.isArray(value)) value.forEach((v) => visit(v, key));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) visit(v, k);
    else if (typeof value === 'string' && /code$/i.test(key)) {
      const unit = /^\d{6,18}$/.test(value) ? value : /^W\d{20}$/.test(value) ? value.slice(1, 19) : null;
      if (unit && !isAllowedUnit(jurisdiction, unit)) leaks.push(`${key}=${value}`);
    }
  };
  visit(body, '');
  return leaks;
}
