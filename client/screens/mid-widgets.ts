/**
 * Small DOM pieces of the mid screen: a sparkline (inline SVG built node by node, no markup strings), a figure
 * that drills down when clicked, a sortable table with the worst three marked, and the cases drawer.
 */
import { el, replaceChildren } from '../app/dom.js';
import { currentLanguage, t } from '../i18n.js';
import { sortRows, worstThree, type ColumnSpec } from './mid-table-model.js';
import { exportCsv, exportXlsx } from './mid-export.js';
import { formatShortDate } from './screen-format.js';
import type { StatsCaseRow, StatsCases } from './stats-client.js';

const SVG = 'http://www.w3.org/2000/svg';

export function sparkline(values: readonly number[], width = 96, height = 24): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('aria-hidden', 'true');
  if (values.length > 1) {
    const max = Math.max(1, ...values);
    const points = values.map(
      (v, i) => `${((i / (values.length - 1)) * (width - 2) + 1).toFixed(1)},${(height - 1 - (v / max) * (height - 2)).toFixed(1)}`,
    );
    const line = document.createElementNS(SVG, 'polyline');
    line.setAttribute('points', points.join(' '));
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', 'currentColor');
    line.setAttribute('stroke-width', '1.5');
    svg.append(line);
  }
  return svg;
}

/** A figure as a button: its text, raw value in data-value, and what a click drills into. */
export function drillFigure(text: string, value: number | null, testId: string, onDrill: (() => void) | null): HTMLElement {
  if (!onDrill) return el('span', { className: 'mid-figure', testId, attrs: { 'data-value': value === null ? '' : String(value) } }, [text]);
  return el(
    'button',
    {
      className: 'mid-figure mid-drill',
      testId,
      attrs: { type: 'button', 'data-value': value === null ? '' : String(value) },
      on: { click: onDrill },
    },
    [text],
  );
}

export interface TableColumn<Row> extends ColumnSpec<Row> {
  /** The cell's content (default its text); a link or a drill-down button. */
  cell?(row: Row): Node | string;
  sortable?: boolean;
}

export interface SortableTable<Row> {
  element: HTMLElement;
  setRows(rows: readonly Row[]): void;
  /** The columns' titles and texts of the rows in the order shown (for export). */
  shown(): { header: string[]; lines: string[][]; raw: (string | number | null)[][] };
}

export function createSortableTable<Row>(
  testId: string,
  columns: TableColumn<Row>[],
  initial: { key: string; order: 'asc' | 'desc' },
): SortableTable<Row> {
  let rows: readonly Row[] = [];
  let sortKey = initial.key;
  let order = initial.order;
  let shownRows: Row[] = [];
  const head = el('thead');
  const body = el('tbody');
  const element = el('table', { className: 'mid-table', testId }, [head, body]);
  const column = () => columns.find((c) => c.key === sortKey) ?? columns[0];

  const draw = () => {
    const current = column();
    shownRows = sortRows(rows, current, order);
    const worst = worstThree(rows, current);
    replaceChildren(head, [
      el(
        'tr',
        {},
        columns.map((c) =>
          el('th', { attrs: { 'aria-sort': c.key === sortKey ? (order === 'asc' ? 'ascending' : 'descending') : null }, dataset: { key: c.key } }, [
            c.sortable === false
              ? t(c.titleKey)
              : el(
                  'button',
                  {
                    className: 'mid-sort',
                    attrs: { type: 'button' },
                    on: {
                      click: () => {
                        if (sortKey === c.key) order = order === 'asc' ? 'desc' : 'asc';
                        else {
                          sortKey = c.key;
                          order = c.better === 'lower' ? 'asc' : 'desc';
                        }
                        draw();
                      },
                    },
                  },
                  [t(c.titleKey), c.key === sortKey ? (order === 'asc' ? ' ▲' : ' ▼') : ''],
                ),
          ]),
        ),
      ),
    ]);
    replaceChildren(
      body,
      shownRows.map((row) =>
        el('tr', { className: worst.has(row) ? 'is-worst' : '' }, [
          ...columns.map((c) => el('td', { dataset: { key: c.key } }, [c.cell ? c.cell(row) : c.text(row)])),
        ]),
      ),
    );
    if (rows.length === 0) replaceChildren(body, [el('tr', {}, [el('td', { attrs: { colspan: columns.length } }, [t('screen.mid.noData')])])]);
  };

  return {
    element,
    setRows(next) {
      rows = next;
      draw();
    },
    shown: () => ({
      header: columns.map((c) => t(c.titleKey)),
      lines: shownRows.map((row) => columns.map((c) => c.text(row))),
      raw: shownRows.map((row) => columns.map((c) => c.value(row))),
    }),
  };
}

export interface CasesDrawer {
  element: HTMLElement;
  show(label: string, answer: StatsCases, categoryName: (code: string) => string): void;
  hide(): void;
}

export function createCasesDrawer(onClose: () => void, onCase: (row: StatsCaseRow) => void): CasesDrawer {
  const title = el('h2', { testId: 'cases-title' });
  const total = el('p', { className: 'mid-muted', testId: 'cases-total' });
  const list = el('tbody');
  const element = el('aside', { className: 'mid-cases', testId: 'cases-drawer', attrs: { hidden: true } }, [
    el('div', { className: 'mid-cases-head' }, [title, el('button', { attrs: { type: 'button' }, on: { click: onClose } }, [t('screen.mid.close')])]),
    total,
    el('table', { className: 'mid-table' }, [
      el('thead', {}, [
        el(
          'tr',
          {},
          ['screen.col.number', 'screen.col.time', 'screen.col.grade', 'screen.col.category', 'screen.col.state'].map((k) => el('th', {}, [t(k)])),
        ),
      ]),
      list,
    ]),
  ]);
  return {
    element,
    show(label, answer, categoryName) {
      const lang = currentLanguage();
      title.textContent = t('screen.mid.cases', { label });
      total.dataset.value = String(answer.total);
      total.textContent = t('screen.mid.casesTotal', {
        total: new Intl.NumberFormat(lang).format(answer.total),
        more: answer.items.length < answer.total ? t('screen.mid.casesMore', { shown: answer.items.length }) : '',
      });
      replaceChildren(
        list,
        answer.items.map((row) =>
          el('tr', { className: 'mid-case', dataset: { id: String(row.id) }, on: { click: () => onCase(row) } }, [
            el('td', {}, [row.number]),
            el('td', {}, [formatShortDate(lang, new Date(row.reportedAt))]),
            el('td', {}, [el('span', { className: `grade-tag grade-${row.grade}` }, [t(`screen.grade.${row.grade}`)])]),
            el('td', {}, [categoryName(row.category)]),
            el('td', {}, [t(`state.${row.state}`)]),
          ]),
        ),
      );
      element.hidden = false;
    },
    hide() {
      element.hidden = true;
    },
  };
}

/** A card's title with buttons exporting its table as shown (sorted) to `<name>.csv` and `<name>.xlsx`. */
export function exportableCardHead(title: string, table: Pick<SortableTable<unknown>, 'shown'>, testIdPrefix: string, name: string): HTMLElement {
  const button = (kind: 'csv' | 'xlsx', save: () => void) =>
    el('button', { attrs: { type: 'button' }, testId: `${testIdPrefix}-${kind}`, on: { click: save } }, [t(`screen.mid.export.${kind}`)]);
  return el('div', { className: 'mid-card-head' }, [
    el('h2', {}, [title]),
    button('csv', () => {
      const s = table.shown();
      exportCsv(name, s.header, s.lines);
    }),
    button('xlsx', () => {
      const s = table.shown();
      void exportXlsx(name, title, s.header, s.lines);
    }),
  ]);
}
