import { describe, expect, it } from 'vitest';
import { scoreBand, sortRows, toCsv, worstThree, type ColumnSpec } from './mid-table-model.js';

interface Row {
  name: string;
  closure: number | null;
  overdue: number;
}
const rows: Row[] = [
  { name: '仙林街道', closure: 0.93, overdue: 1 },
  { name: '尧化街道', closure: 0.81, overdue: 7 },
  { name: '马群街道', closure: null, overdue: 0 },
  { name: '燕子矶街道', closure: 0.88, overdue: 3 },
  { name: '迈皋桥街道', closure: 0.7, overdue: 5 },
];
const closure: ColumnSpec<Row> = { key: 'closure', titleKey: 'x', value: (r) => r.closure, text: (r) => String(r.closure), better: 'higher' };
const overdue: ColumnSpec<Row> = { key: 'overdue', titleKey: 'x', value: (r) => r.overdue, text: (r) => String(r.overdue), better: 'lower' };

describe('mid screen tables', () => {
  it('sorts either way with missing values last', () => {
    expect(sortRows(rows, closure, 'desc').map((r) => r.name)).toEqual(['仙林街道', '燕子矶街道', '尧化街道', '迈皋桥街道', '马群街道']);
    expect(sortRows(rows, closure, 'asc').map((r) => r.name)).toEqual(['迈皋桥街道', '尧化街道', '燕子矶街道', '仙林街道', '马群街道']);
  });

  it('marks the worst three by the column’s own direction', () => {
    expect([...worstThree(rows, closure)].map((r) => r.name)).toEqual(['迈皋桥街道', '尧化街道', '燕子矶街道']);
    expect([...worstThree(rows, overdue)].map((r) => r.name)).toEqual(['尧化街道', '迈皋桥街道', '燕子矶街道']);
    expect(worstThree(rows.slice(0, 2), closure).size).toBe(1);
  });

  it('writes CSV with a BOM, quoting and formula-safe cells', () => {
    expect(
      toCsv(
        ['单位', '值'],
        [
          ['仙林, 街道', '=1+1'],
          ['a"b', '3'],
        ],
      ),
    ).toBe('\uFEFF单位,值\r\n"仙林, 街道","=1+1"\r\n"a""b",3\r\n');
  });

  it('bands a score', () => {
    expect([null, 12, 60, 79.9, 95].map(scoreBand)).toEqual([null, 0, 1, 2, 4]);
  });
});
