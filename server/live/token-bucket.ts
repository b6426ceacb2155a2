/**
 * A token bucket as a pure value: `burst` tokens at most, refilled at `perSecond`; each frame takes one. The
 * caller passes the time, so the live channel's rate limit is tested without waiting.
 */
export interface TokenBucketRate {
  burst: number;
  perSecond: number;
}

export interface TokenBucket {
  readonly tokens: number;
  readonly refilledAtMs: number;
}

export function fullBucket(rate: TokenBucketRate, atMs: number): TokenBucket {
  return { tokens: rate.burst, refilledAtMs: atMs };
}

/** The bucket after trying to take one token at `atMs`, and whether it could. Time going backwards adds nothing. */
export function takeToken(bucket: TokenBucket, rate: TokenBucketRate, atMs: number): { bucket: TokenBucket; taken: boolean } {
  const elapsedMs = Math.max(0, atMs - bucket.refilledAtMs);
  const tokens = Math.min(rate.burst, bucket.tokens + (elapsedMs / 1000) * rate.perSecond);
  const refilledAtMs = Math.max(atMs, bucket.refilledAtMs);
  if (tokens < 1) return { bucket: { tokens, refilledAtMs }, taken: false };
  return { bucket: { tokens: tokens - 1, refilledAtMs }, taken: true };
}
