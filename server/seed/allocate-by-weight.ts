/**
 * Split an integer total among items in proportion to their weights, each receiving at least its
 * minimum (largest-remainder method; ties broken by position, so the result is deterministic).
 */
export interface AllocationItem {
  weight: number;
  minimum: number;
}

export function allocateByWeight(total: number, items: readonly AllocationItem[]): number[] {
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  const minimumSum = items.reduce((s, i) => s + i.minimum, 0);
  if (minimumSum > total) throw new RangeError(`minimums (${minimumSum}) exceed the total (${total})`);
  if (items.length === 0) {
    if (total > 0) throw new RangeError('cannot allocate a positive total to no items');
    return [];
  }
  const counts = items.map((i) => i.minimum);
  const rest = total - minimumSum;
  const weightSum = items.reduce((s, i) => s + Math.max(0, i.weight), 0);
  const shares = items.map((i) => (weightSum > 0 ? (rest * Math.max(0, i.weight)) / weightSum : rest / items.length));
  let given = 0;
  shares.forEach((share, k) => {
    counts[k] += Math.floor(share);
    given += Math.floor(share);
  });
  const order = shares.map((share, k) => ({ k, remainder: share - Math.floor(share) })).sort((a, b) => b.remainder - a.remainder || a.k - b.k);
  for (let j = 0; j < rest - given; j++) counts[order[j % order.length].k] += 1;
  return counts;
}
