import { describe, expect, it } from 'vitest';
import { fullBucket, takeToken, type TokenBucket } from './token-bucket.js';

const rate = { burst: 3, perSecond: 2 };

function takeMany(bucket: TokenBucket, atMs: number, count: number): { bucket: TokenBucket; taken: number } {
  let taken = 0;
  for (let i = 0; i < count; i++) {
    const result = takeToken(bucket, rate, atMs);
    bucket = result.bucket;
    if (result.taken) taken++;
  }
  return { bucket, taken };
}

describe('token bucket', () => {
  it('lets a burst through at once, then refuses', () => {
    const { taken } = takeMany(fullBucket(rate, 0), 0, 5);
    expect(taken).toBe(3);
  });

  it('refills at the rate, never above the burst', () => {
    let { bucket } = takeMany(fullBucket(rate, 0), 0, 3);
    expect(takeToken(bucket, rate, 499).taken).toBe(false);
    ({ bucket } = takeMany(bucket, 500, 1));
    expect(bucket.tokens).toBeCloseTo(0, 9);
    // An hour idle refills to the burst, not beyond it.
    expect(takeMany(bucket, 3_600_000, 10).taken).toBe(3);
  });

  it('adds nothing when time goes backwards', () => {
    const { bucket } = takeMany(fullBucket(rate, 10_000), 10_000, 3);
    expect(takeToken(bucket, rate, 0).taken).toBe(false);
    expect(takeToken(bucket, rate, 10_499).taken).toBe(false);
    expect(takeToken(bucket, rate, 10_500).taken).toBe(true);
  });
});
