/**
 * Export of a mid-screen table as shown (its columns' texts): CSV in the browser, XLSX through exceljs, loaded
 * only when asked (it is a large library).
 */
import { toCsv } from './mid-table-model.js';

function download(name: string, blob: Blob) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function exportCsv(name: string, header: string[], lines: string[][]): void {
  download(`${name}.csv`, new Blob([toCsv(header, lines)], { type: 'text/csv;charset=utf-8' }));
}

export async function exportXlsx(name: string, sheet: string, header: string[], lines: (string | number | null)[][]): Promise<void> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'GridOps';
  const worksheet = workbook.addWorksheet(sheet.slice(0, 31));
  worksheet.addRow(header).font = { bold: true };
  for (const line of lines) worksheet.addRow(line);
  worksheet.columns.forEach((column) => (column.width = 16));
  const buffer = await workbook.xlsx.writeBuffer();
  download(`${name}.xlsx`, new Blob([buffer], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
}
