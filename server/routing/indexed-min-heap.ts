/**
 * A binary min-heap of the integers 0 … capacity − 1 keyed by a number, over typed arrays, with
 * decrease-key: what Dijkstra needs without allocating an object per vertex. Each item is in the heap
 * at most once. Equal keys leave the heap in a fixed order for a fixed sequence of operations, so a
 * search is deterministic.
 */
export class IndexedMinHeap {
  private readonly items: Int32Array;
  private readonly keys: Float64Array;
  /** Position of an item in `items`, plus one; 0 = not in the heap. */
  private readonly positions: Int32Array;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError(`heap capacity must be a non-negative integer, got ${capacity}`);
    this.items = new Int32Array(capacity);
    this.keys = new Float64Array(capacity);
    this.positions = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  has(item: number): boolean {
    return this.positions[item] !== 0;
  }

  /** The key of an item in the heap. */
  keyOf(item: number): number {
    if (!this.has(item)) throw new RangeError(`item ${item} is not in the heap`);
    return this.keys[item];
  }

  /** The smallest key; Infinity when empty. */
  peekKey(): number {
    return this.count === 0 ? Infinity : this.keys[this.items[0]];
  }

  /** Insert an item, or lower its key if it is already in the heap; a higher key is ignored. */
  pushOrDecrease(item: number, key: number): void {
    if (!(item >= 0 && item < this.capacity && Number.isInteger(item))) throw new RangeError(`item ${item} outside 0…${this.capacity - 1}`);
    if (Number.isNaN(key)) throw new RangeError('heap key is NaN');
    const position = this.positions[item];
    if (position === 0) {
      this.items[this.count] = item;
      this.keys[item] = key;
      this.positions[item] = this.count + 1;
      this.count += 1;
      this.siftUp(this.count - 1);
    } else if (key < this.keys[item]) {
      this.keys[item] = key;
      this.siftUp(position - 1);
    }
  }

  /** Remove and return the item with the smallest key; -1 when empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const top = this.items[0];
    this.positions[top] = 0;
    this.count -= 1;
    if (this.count > 0) {
      const last = this.items[this.count];
      this.items[0] = last;
      this.positions[last] = 1;
      this.siftDown(0);
    }
    return top;
  }

  private siftUp(start: number): void {
    const { items, keys, positions } = this;
    const item = items[start];
    const key = keys[item];
    let i = start;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentItem = items[parent];
      if (keys[parentItem] <= key) break;
      items[i] = parentItem;
      positions[parentItem] = i + 1;
      i = parent;
    }
    items[i] = item;
    positions[item] = i + 1;
  }

  private siftDown(start: number): void {
    const { items, keys, positions, count } = this;
    const item = items[start];
    const key = keys[item];
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= count) break;
      const right = left + 1;
      const child = right < count && keys[items[right]] < keys[items[left]] ? right : left;
      const childItem = items[child];
      if (keys[childItem] >= key) break;
      items[i] = childItem;
      positions[childItem] = i + 1;
      i = child;
    }
    items[i] = item;
    positions[item] = i + 1;
  }
}
