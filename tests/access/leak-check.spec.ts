import { describe, expect, it } from 'vitest';
import { findLeaks, isAllowedUnit } from './leak-check.js';

describe('findLeaks', () => {
  it('allows the subtree and the ancestors of a jurisdiction', () => {
    expect(isAllowedUnit('320113007', '320113007001002')).toBe(true);
    expect(isAllowedUnit('320113007', '320113')).toBe(true);
    expect(isAllowedUnit('320113007', '320113008')).toBe(false);
    expect(isAllowedUnit('city', '320102')).toBe(true);
  });

  it('finds unit and worker codes outside, at any depth', () => {
    const body = {
      features: [
        { properties: { code: '320113007001001001', home_unit_code: '320102001001001001' } },
        { properties: { code: 'W32010200100100100101' } },
      ],
      parent_code: '320113',
      name: '320102001',
    };
    expect(findLeaks('320113007', body)).toEqual(['home_unit_code=320102001001001001', 'code=W32010200100100100101']);
  });
});
