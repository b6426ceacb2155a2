import { describe, expect, it } from 'vitest';
import { isPostgisSupported, parseVersion } from './capabilities.js';

describe('PostGIS version check', () => {
  it('reads the numbers of a version string', () => {
    expect(parseVersion('3.6.2')).toEqual([3, 6, 2]);
    expect(parseVersion('3.3.2dev')).toEqual([3, 3, 2]);
    expect(parseVersion('nonsense')).toEqual([0]);
  });

  it('accepts PostGIS 3.3 and later, refuses older', () => {
    for (const v of ['3.3.0', '3.3.2', '3.4.1', '3.6.2', '4.0.0']) expect(isPostgisSupported(v), v).toBe(true);
    for (const v of ['3.2.5', '3.0.0', '2.5.9', 'unknown']) expect(isPostgisSupported(v), v).toBe(false);
  });
});
