import { describe, expect, it } from 'vitest';
import { seededRandom as random } from '../simulator/simulator-random.js';
import { IndexedMinHeap } from './indexed-min-heap.js';

function drain(heap: IndexedMinHeap): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  while (heap.size > 0) {
    const key = heap.peekKey();
    out.push([heap.pop(), key]);
  }
  return out;
}

describe('IndexedMinHeap', () => {
  it('is empty at first: size 0, peekKey Infinity, pop -1', () => {
    const heap = new IndexedMinHeap(4);
    expect(heap.size).toBe(0);
    expect(heap.peekKey()).toBe(Infinity);
    expect(heap.pop()).toBe(-1);
  });

  it('pops items in ascending key order', () => {
    const heap = new IndexedMinHeap(6);
    [5, 3, 9, 1, 7, 2].forEach((key, item) => heap.pushOrDecrease(item, key));
    expect(drain(heap)).toEqual([
      [3, 1],
      [5, 2],
      [1, 3],
      [0, 5],
      [4, 7],
      [2, 9],
    ]);
  });

  it('lowers a key on a second push and ignores a higher one', () => {
    const heap = new IndexedMinHeap(3);
    heap.pushOrDecrease(0, 10);
    heap.pushOrDecrease(1, 20);
    heap.pushOrDecrease(2, 30);
    heap.pushOrDecrease(2, 5);
    heap.pushOrDecrease(0, 50);
    expect(heap.size).toBe(3);
    expect(heap.keyOf(0)).toBe(10);
    expect(drain(heap).map(([item]) => item)).toEqual([2, 0, 1]);
  });

  it('knows which items it holds, and can take an item again after popping it', () => {
    const heap = new IndexedMinHeap(2);
    heap.pushOrDecrease(1, 4);
    expect(heap.has(1)).toBe(true);
    expect(heap.has(0)).toBe(false);
    expect(heap.pop()).toBe(1);
    expect(heap.has(1)).toBe(false);
    expect(() => heap.keyOf(1)).toThrow(RangeError);
    heap.pushOrDecrease(1, 8);
    expect(heap.pop()).toBe(1);
  });

  it('accepts zero and equal keys', () => {
    const heap = new IndexedMinHeap(3);
    heap.pushOrDecrease(0, 0);
    heap.pushOrDecrease(1, 0);
    heap.pushOrDecrease(2, 0);
    expect(drain(heap).map(([, key]) => key)).toEqual([0, 0, 0]);
  });

  it('rejects items outside its capacity and NaN keys', () => {
    const heap = new IndexedMinHeap(2);
    expect(() => heap.pushOrDecrease(2, 1)).toThrow(RangeError);
    expect(() => heap.pushOrDecrease(-1, 1)).toThrow(RangeError);
    expect(() => heap.pushOrDecrease(0.5, 1)).toThrow(RangeError);
    expect(() => heap.pushOrDecrease(0, Number.NaN)).toThrow(RangeError);
    expect(() => new IndexedMinHeap(-1)).toThrow(RangeError);
  });

  it('matches a sorted reference over 20,000 random pushes, decreases and pops', () => {
    const next = random(42);
    const capacity = 500;
    const heap = new IndexedMinHeap(capacity);
    const reference = new Map<number, number>();
    for (let step = 0; step < 20_000; step++) {
      if (next() < 0.6 || reference.size === 0) {
        const item = Math.floor(next() * capacity);
        const key = Math.floor(next() * 1000) / 10;
        heap.pushOrDecrease(item, key);
        const old = reference.get(item);
        if (old === undefined || key < old) reference.set(item, key);
      } else {
        const smallest = Math.min(...reference.values());
        const key = heap.peekKey();
        const item = heap.pop();
        expect(key).toBe(smallest);
        expect(reference.get(item)).toBe(smallest);
        reference.delete(item);
      }
      expect(heap.size).toBe(reference.size);
    }
    const rest = drain(heap).map(([, key]) => key);
    expect(rest).toEqual([...reference.values()].sort((a, b) => a - b));
  });
});
