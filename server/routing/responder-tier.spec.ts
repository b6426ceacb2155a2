import { describe, expect, it } from 'vitest';
import { checkUnitChain, isPositionStale, responderTier, STALE_AFTER_MS, type IncidentUnitChain } from './responder-tier.js';

const chain: IncidentUnitChain = {
  microGridCode: '320113007005012011',
  gridCode: '320113007005012',
  communityCode: '320113007005',
  streetCode: '320113007',
};

describe('responderTier', () => {
  it.each([
    ['320113007005012011', 0, 'the incident’s own micro-grid'],
    ['320113007005012003', 1, 'another micro-grid of the same grid'],
    ['320113007005013001', 2, 'another grid of the same community'],
    ['320113007004001001', 3, 'another community of the same street'],
    ['320113008001001001', 4, 'another street'],
    ['320102001001001001', 4, 'another district'],
  ])('%s is tier %i (%s)', (home, tier) => {
    expect(responderTier(home, chain)).toBe(tier);
  });

  it('counts the neighbouring micro-grids given, across a grid boundary too, as tier 1', () => {
    const withNeighbours = { ...chain, neighbourMicroGridCodes: ['320113007005013001'] };
    expect(responderTier('320113007005013001', withNeighbours)).toBe(1);
    expect(responderTier('320113007005013002', withNeighbours)).toBe(2);
  });

  it('without a grid code, only the listed neighbours are tier 1', () => {
    const { gridCode: _grid, ...noGrid } = chain;
    expect(responderTier('320113007005012003', noGrid)).toBe(2);
    expect(responderTier('320113007005012011', noGrid)).toBe(0);
  });

  it('makes everyone tier 4 without a chain', () => {
    expect(responderTier('320113007005012011', undefined)).toBe(4);
  });
});

describe('checkUnitChain', () => {
  it('accepts a nested chain and refuses a broken one', () => {
    expect(() => checkUnitChain(chain)).not.toThrow();
    expect(() => checkUnitChain({ ...chain, communityCode: '320113007004' })).toThrow(/not inside/);
    expect(() => checkUnitChain({ ...chain, streetCode: '320113008' })).toThrow(/not inside/);
    expect(() => checkUnitChain({ ...chain, gridCode: chain.microGridCode })).toThrow(/not inside/);
  });
});

describe('isPositionStale', () => {
  const now = Date.parse('2026-11-23T08:00:00Z');
  it('is stale past ten minutes, fresh at exactly ten, stale when unknown', () => {
    expect(STALE_AFTER_MS).toBe(600_000);
    expect(isPositionStale(now - 600_000, now)).toBe(false);
    expect(isPositionStale(now - 600_001, now)).toBe(true);
    expect(isPositionStale(now - 5_000, now)).toBe(false);
    expect(isPositionStale(null, now)).toBe(true);
  });
});
