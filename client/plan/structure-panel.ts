/**
 * The planner's split and merge tools (beside the paint brush): a split line drawn on the map (checked in the page
 * first — refuseSplitLine, shared with the server — then the micro-grid it cuts is found), a merge of two
 * micro-grids picked by click, a reshape of the edge two picked micro-grids share (its vertices dragged on the
 * map, its two ends pinned where they were); the list of the plan's edits of these kinds (each removable); and, from the server's
 * answer, the pieces drawn on the map and the balance of each changed grid's micro-grids before → after.
 */
import { apiGet } from '../api/api-client.js';
import { describeError } from '../app/api-error-text.js';
import { el, replaceChildren } from '../app/dom.js';
import { t } from '../i18n.js';
import type { PlanStructure, SharedEdge } from '../api/api-types.js';
import { refuseSplitLine, type StructuralEdit } from '../../server/plans/plan-structure-rules.js';
import type { PaintableFeature, PlanMap } from './plan-map.js';
import { unitCrossedBy } from './split-target.js';

/** What the panel shows of the server's answer: the pieces and the balance of the grids they change. */
export type StructureAnswer = Pick<PlanStructure, 'structure' | 'structureBalance'>;

export interface StructurePanel {
  tools: HTMLElement;
  list: HTMLElement;
  balance: HTMLElement;
  /** Back to no tool and no pieces (a community or plan opened). */
  reset(): void;
  show(answer: StructureAnswer | null): void;
  onLine(coordinates: [number, number][]): void;
  onPick(unit: string): void;
  cancelTool(): void;
  render(): void;
}

export function createStructurePanel(options: {
  map: () => PlanMap;
  features: () => PaintableFeature[];
  /** The draft's structural edits now (the workspace's history holds them). */
  edits: () => readonly StructuralEdit[];
  /** A new list of structural edits (one added or removed): one step of the workspace's undo history. */
  commit: (edits: StructuralEdit[]) => void;
  onTool: (tool: 'split' | 'merge' | 'reshape' | null) => void;
  say: (message: string) => void;
}): StructurePanel {
  let tool: 'split' | 'merge' | 'reshape' | null = null;
  let editing: { units: [string, string]; ends: [number, number][] } | null = null;
  let picked: string[] = [];
  let answer: StructureAnswer | null = null;
  const splitButton = el('button', { testId: 'tool-split', on: { click: () => choose(tool === 'split' ? null : 'split') } });
  const mergeButton = el('button', { testId: 'tool-merge', on: { click: () => choose(tool === 'merge' ? null : 'merge') } });
  const reshapeButton = el('button', { testId: 'tool-reshape', on: { click: () => choose(tool === 'reshape' ? null : 'reshape') } });
  const applyButton = el('button', { testId: 'reshape-apply', on: { click: () => applyReshape() } });
  const hint = el('p', { className: 'plan-hint', testId: 'tool-hint' });
  const tools = el('div', { className: 'plan-tools' }, [
    el('div', { className: 'plan-tool-buttons' }, [splitButton, mergeButton, reshapeButton, applyButton]),
    hint,
  ]);
  const list = el('ul', { className: 'plan-structure', testId: 'structure-edits' });
  const balance = el('div', { className: 'plan-balance', testId: 'structure-balance' });
  const nameOf = (code: string) => options.features().find((f) => f.properties.code === code)?.properties.name ?? code;

  function choose(next: 'split' | 'merge' | 'reshape' | null): void {
    if (editing) options.map().stopEdit();
    editing = null;
    tool = next;
    picked = [];
    options.map().setPicked([]);
    options.map().setTool(next);
    options.onTool(next);
    render();
  }

  function add(edit: StructuralEdit): void {
    options.commit([...options.edits(), edit]);
    render();
  }

  function render(): void {
    splitButton.textContent = t('plan.tool.split');
    mergeButton.textContent = t('plan.tool.merge');
    splitButton.className = tool === 'split' ? 'selected' : '';
    mergeButton.className = tool === 'merge' ? 'selected' : '';
    reshapeButton.textContent = t('plan.tool.reshape');
    reshapeButton.className = tool === 'reshape' ? 'selected' : '';
    applyButton.textContent = t('plan.tool.reshapeApply');
    applyButton.hidden = !editing;
    hint.textContent = editing ? t('plan.tool.reshapeDrag') : tool ? t(`plan.tool.${tool}Hint`) : '';
    replaceChildren(
      list,
      options.edits().map((edit, i) =>
        el('li', { dataset: { op: edit.op } }, [
          edit.op === 'split'
            ? t('plan.structure.split', { unit: nameOf(edit.unit) })
            : edit.op === 'repartition'
              ? t('plan.structure.repartition', { unit: edit.unit, households: edit.households })
              : t(`plan.structure.${edit.op}`, { a: nameOf(edit.units[0]), b: nameOf(edit.units[1]) }),
          ' ',
          el(
            'button',
            {
              className: 'link-button',
              on: {
                click: () => {
                  options.commit(options.edits().filter((_, j) => j !== i));
                  render();
                },
              },
            },
            [t('plan.structure.remove')],
          ),
        ]),
      ),
    );
    const grids = answer?.structureBalance ?? [];
    replaceChildren(
      balance,
      grids.length === 0
        ? []
        : [
            el('h2', {}, [t('plan.structure.balance')]),
            ...grids.map((g) =>
              el('table', { dataset: { grid: g.parent } }, [
                el('thead', {}, [
                  el(
                    'tr',
                    {},
                    [t('plan.microGrid'), t('plan.households'), t('plan.workers'), t('plan.openIncidents')].map((h) => el('th', {}, [h])),
                  ),
                ]),
                el(
                  'tbody',
                  {},
                  g.units.map((u) => {
                    const cell = (m: 'households' | 'workers' | 'openIncidents') =>
                      el('td', { className: u.before?.[m] === u.after?.[m] ? '' : 'changed' }, [
                        u.before && u.after && u.before[m] === u.after[m] ? String(u.before[m]) : `${u.before?.[m] ?? '—'} → ${u.after?.[m] ?? '—'}`,
                      ]);
                    return el('tr', { className: u.affected ? 'affected' : '', dataset: { unit: u.key } }, [
                      el('td', {}, [u.code ? nameOf(u.code) : t('plan.structure.piece', { key: u.key })]),
                      cell('households'),
                      cell('workers'),
                      cell('openIncidents'),
                    ]);
                  }),
                ),
                el('caption', { testId: 'structure-cv' }, [
                  t('plan.cv', { before: g.spread.households.before.cv.toFixed(3), after: g.spread.households.after.cv.toFixed(3) }),
                ]),
              ]),
            ),
          ],
    );
  }

  async function startReshape(units: [string, string]): Promise<void> {
    try {
      const edge = await apiGet<SharedEdge>(`/api/plans/edge?a=${units[0]}&b=${units[1]}`);
      const line = edge.geometry.coordinates;
      editing = { units, ends: [line[0], line[line.length - 1]] };
      options.map().editEdge(line);
      render();
    } catch (error) {
      options.say(describeError(error));
    }
  }

  function applyReshape(): void {
    const line = editing ? options.map().editedEdge() : null;
    if (!editing || !line || line.length < 2) return;
    // The ends stay where the edge meets the other units, whatever the drag did to them.
    const coordinates = [editing.ends[0], ...line.slice(1, -1), editing.ends[1]];
    const units = editing.units;
    options.map().stopEdit();
    editing = null;
    const problem = refuseSplitLine({ type: 'LineString', coordinates });
    if (problem) return options.say(t(`plan.lineProblem.${problem}`));
    add({ op: 'reshape', units, line: { type: 'LineString', coordinates } });
  }

  return {
    tools,
    list,
    balance,
    reset() {
      answer = null;
      options.map().setPieces([]);
      choose(null);
    },
    show(next) {
      answer = next;
      options.map().setPieces(
        (next?.structure ?? []).map((p) => ({
          type: 'Feature',
          geometry: p.geometry,
          properties: { ord: p.ord, piece: p.piece, households: p.households },
        })),
      );
      render();
    },
    onLine(coordinates) {
      const problem = refuseSplitLine({ type: 'LineString', coordinates });
      if (problem) return options.say(t(`plan.lineProblem.${problem}`));
      const unit = unitCrossedBy(coordinates, options.features());
      if (!unit) return options.say(t('plan.lineProblem.no_unit'));
      add({ op: 'split', unit, line: { type: 'LineString', coordinates } });
    },
    onPick(unit) {
      // While an edge is being edited, clicks belong to its handles.
      if (editing || picked.includes(unit)) return;
      picked = [...picked, unit];
      options.map().setPicked(picked);
      if (picked.length < 2) return;
      const [a, b] = picked;
      picked = [];
      options.map().setPicked([]);
      if (tool === 'reshape') void startReshape([a, b]);
      else add({ op: 'merge', units: [a, b] });
    },
    cancelTool: () => {
      if (tool) choose(null);
    },
    render,
  };
}
