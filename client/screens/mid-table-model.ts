/**
 * The mid screen's tables as data, pure (tested in mid-table-model.spec.ts): which way each column is better,
 * sorting with missing values last, the worst three rows of a column, and CSV text of what is shown.
 */
export type Better = 'higher' | 'lower';

export interface ColumnSpec<Row> {
  key: string;
  /** i18n key of the header. */
  titleKey: string;
  value(row: Row): number | string | null;
  /** Text shown and exported. */
  text(row: Row): string;
  better?: Better;
}

/** Sorted copy: by `key` ascending or descending; nulls always last; ties by the first column's text. */
export function sortRows<Row>(rows: readonly Row[], column: ColumnSpec<Row>, order: 'asc' | 'desc'): Row[] {
  const sign = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = column.value(a);
    const y = column.value(b);
    if (x === null && y === null) return 0;
    if (x === null) return 1;
    if (y === null) return -1;
    if (typeof x === 'number' && typeof y === 'number') return (x - y) * sign;
    return String(x).localeCompare(String(y), 'zh-CN') * sign;
  });
}

/** The (up to) three rows worst by a column (lowest where higher is better, highest where lower is better). */
export function worstThree<Row>(rows: readonly Row[], column: ColumnSpec<Row>): Set<Row> {
  if (!column.better) return new Set();
  const measured = rows.filter((r) => typeof column.value(r) === 'number');
  const ordered = sortRows(measured, column, column.better === 'higher' ? 'asc' : 'desc');
  return new Set(ordered.slice(0, Math.min(3, Math.max(0, measured.length - 1))));
}

/** RFC 4180 CSV (CRLF, quotes doubled), with a UTF-8 BOM so spreadsheet programs read Chinese. */
export function toCsv(header: readonly string[], lines: readonly (readonly string[])[]): string {
  const cell = (value: string) => (/[",\r\n]/.test(value) || /^[=+\-@]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  return `\uFEFF${[header, ...lines].map((line) => line.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** Five colour steps for a 0–100 score (low = worse), the step of a score, and the bands' lower bounds. */
export const SCORE_BANDS = [0, 60, 70, 80, 90] as const;
export function scoreBand(score: number | null): number | null {
  if (score === null || !Number.isFinite(score)) return null;
  let band = 0;
  for (let i = 0; i < SCORE_BANDS.length; i++) if (score >= SCORE_BANDS[i]) band = i;
  return band;
}
