/**
 * Updating a list element row by row, keyed: a row whose content did not change keeps its node untouched, a
 * changed one is updated in place (same node), new rows are created, gone ones removed, and nodes are moved only
 * where the order changed. A list that live events change several times a second stays the same nodes under the
 * pointer, so a click lands on the row the user aimed at.
 */
export type RowKey = string | number;

export interface KeyedRow<T> {
  key: RowKey;
  /** Everything the row shows, as one string: an equal signature means nothing to redraw. */
  signature: string;
  value: T;
}

/** The parts of a DOM element the update uses (a fake one in unit tests). */
export interface ChildLike {
  remove(): void;
}
export interface ParentLike<C extends ChildLike> {
  readonly children: ArrayLike<C>;
  insertBefore(node: C, reference: C | null): unknown;
}

export interface KeyedNodes<N> {
  nodes: Map<RowKey, { node: N; signature: string }>;
}

export function createKeyedNodes<N>(): KeyedNodes<N> {
  return { nodes: new Map() };
}

export interface KeyedUpdate {
  created: number;
  updated: number;
  moved: number;
  removed: number;
}

/**
 * Makes `parent`'s children the rows' nodes in the rows' order. `render(value, existing)` builds a row's node, or
 * updates `existing` in place and returns it. Children the keyed nodes do not know (a placeholder) are removed.
 */
export function updateKeyedChildren<T, C extends ChildLike, N extends C>(
  parent: ParentLike<C>,
  state: KeyedNodes<N>,
  rows: readonly KeyedRow<T>[],
  render: (value: T, existing: N | null) => N,
): KeyedUpdate {
  const counts: KeyedUpdate = { created: 0, updated: 0, moved: 0, removed: 0 };
  const wanted = new Set(rows.map((r) => r.key));
  for (const [key, entry] of state.nodes) {
    if (wanted.has(key)) continue;
    entry.node.remove();
    state.nodes.delete(key);
    counts.removed++;
  }
  const known = new Set<ChildLike>([...state.nodes.values()].map((e) => e.node));
  for (const child of Array.from(parent.children)) if (!known.has(child)) child.remove();
  rows.forEach((row, index) => {
    let entry = state.nodes.get(row.key);
    let created = false;
    if (!entry) {
      entry = { node: render(row.value, null), signature: row.signature };
      state.nodes.set(row.key, entry);
      counts.created++;
      created = true;
    } else if (entry.signature !== row.signature) {
      render(row.value, entry.node);
      entry.signature = row.signature;
      counts.updated++;
    }
    const current = parent.children[index] ?? null;
    if (current !== entry.node) {
      parent.insertBefore(entry.node, current);
      if (!created) counts.moved++;
    }
  });
  return counts;
}
