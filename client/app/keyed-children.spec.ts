import { describe, expect, it } from 'vitest';
import { createKeyedNodes, updateKeyedChildren, type KeyedRow } from './keyed-children.js';

/** A list element with just what the update uses: ordered children, insertBefore, remove. */
class FakeNode {
  parent: FakeList | null = null;
  renders = 0;
  constructor(public text: string) {}
  remove() {
    if (!this.parent) return;
    this.parent.children.splice(this.parent.children.indexOf(this), 1);
    this.parent = null;
  }
}
class FakeList {
  children: FakeNode[] = [];
  insertBefore(node: FakeNode, reference: FakeNode | null) {
    node.remove();
    const at = reference === null ? this.children.length : this.children.indexOf(reference);
    this.children.splice(at, 0, node);
    node.parent = this;
  }
}

const rows = (...items: [number, string][]): KeyedRow<string>[] => items.map(([key, text]) => ({ key, signature: text, value: text }));

function setup() {
  const list = new FakeList();
  const state = createKeyedNodes<FakeNode>();
  const render = (text: string, existing: FakeNode | null) => {
    const node = existing ?? new FakeNode(text);
    node.text = text;
    node.renders++;
    return node;
  };
  const update = (next: KeyedRow<string>[]) => updateKeyedChildren(list, state, next, render);
  const texts = () => list.children.map((n) => n.text);
  return { list, update, texts };
}

describe('updateKeyedChildren', () => {
  it('keeps the node of an unchanged row untouched when other rows change', () => {
    const { list, update, texts } = setup();
    expect(update(rows([1, 'a'], [2, 'b'], [3, 'c']))).toEqual({ created: 3, updated: 0, moved: 0, removed: 0 });
    const [a, b, c] = list.children;
    expect(update(rows([1, 'a'], [2, 'B'], [3, 'c']))).toEqual({ created: 0, updated: 1, moved: 0, removed: 0 });
    expect(list.children).toEqual([a, b, c]);
    expect([a.renders, b.renders, c.renders]).toEqual([1, 2, 1]);
    expect(texts()).toEqual(['a', 'B', 'c']);
  });

  it('moves, inserts and removes only what changed, the same nodes staying attached', () => {
    const { list, update, texts } = setup();
    update(rows([1, 'a'], [2, 'b'], [3, 'c'], [4, 'd']));
    const [a, , c, d] = list.children;
    // 2 closes, 5 arrives at the top, 4 moves up.
    const counts = update(rows([5, 'e'], [1, 'a'], [4, 'd'], [3, 'c']));
    expect(counts.created).toBe(1);
    expect(counts.removed).toBe(1);
    expect(counts.updated).toBe(0);
    expect(texts()).toEqual(['e', 'a', 'd', 'c']);
    expect(list.children.slice(1)).toEqual([a, d, c]);
    expect([a, c, d].every((n) => n.parent === list && n.renders === 1)).toBe(true);
  });

  it('does nothing when nothing changed, and removes a placeholder it did not make', () => {
    const { list, update } = setup();
    const placeholder = new FakeNode('empty');
    list.insertBefore(placeholder, null);
    update(rows([1, 'a'], [2, 'b']));
    expect(list.children.map((n) => n.text)).toEqual(['a', 'b']);
    expect(update(rows([1, 'a'], [2, 'b']))).toEqual({ created: 0, updated: 0, moved: 0, removed: 0 });
    expect(update([])).toEqual({ created: 0, updated: 0, moved: 0, removed: 2 });
    expect(list.children).toEqual([]);
  });
});
