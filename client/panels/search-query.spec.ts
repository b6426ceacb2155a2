import { describe, expect, it } from 'vitest';
import { parseSearch } from './search-query.js';

describe('parseSearch', () => {
  it('reads coordinates in either order and with Chinese or plain separators', () => {
    expect(parseSearch('118.93,32.10')).toEqual({ kind: 'coordinates', lon: 118.93, lat: 32.1 });
    expect(parseSearch(' 32.10， 118.93 ')).toEqual({ kind: 'coordinates', lon: 118.93, lat: 32.1 });
    expect(parseSearch('118.93 32.10')).toEqual({ kind: 'coordinates', lon: 118.93, lat: 32.1 });
  });

  it('reads incident numbers case-insensitively', () => {
    expect(parseSearch('nj20261123-0000042')).toEqual({ kind: 'incident', number: 'NJ20261123-0000042' });
  });

  it('treats everything else as a unit name or code', () => {
    expect(parseSearch('仙林')).toEqual({ kind: 'unit', text: '仙林' });
    expect(parseSearch('320113007')).toEqual({ kind: 'unit', text: '320113007' });
    expect(parseSearch('200,100')).toEqual({ kind: 'unit', text: '200,100' });
    expect(parseSearch('   ')).toEqual({ kind: 'empty' });
  });
});
