/**
 * The seed's only source of randomness on the TypeScript side: the same function as the SQL
 * `gridops_unit_random(key)` (migration 0001): the first 48 bits of md5(key) as a fraction in [0, 1).
 * Key it by purpose and stable code ('worker-role:320113007001001001'), never by position in a list.
 */
import { createHash } from 'node:crypto';

export function unitRandom(key: string): number {
  return parseInt(createHash('md5').update(key, 'utf8').digest('hex').slice(0, 12), 16) / 281474976710656;
}

/** A deterministic choice among weighted options, keyed like unitRandom. */
export function pickWeighted<T>(key: string, options: ReadonlyArray<readonly [T, number]>): T {
  const total = options.reduce((s, [, w]) => s + w, 0);
  let x = unitRandom(key) * total;
  for (const [value, weight] of options) {
    if (x < weight) return value;
    x -= weight;
  }
  return options[options.length - 1][0];
}
