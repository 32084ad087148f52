// CSV exports (patient portals, lab integrations): a header row names the columns. With a
// test-name and a result column the rows are read by column; without one, each record is
// read by the line parser, its cells joined by spaces.
import { findCollectedAt, findLabName, findReportedAt, parsePrintedDate, splitValue } from './fields';
import { parseReportText } from './lines';
import type { ExtractedReport, ExtractedRow, PrintedDate } from './report';

/** RFC 4180 records: quoted cells may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): { cells: string[]; line: string }[] {
  const records: { cells: string[]; line: string }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let start = 0;
  const delimiter = text.split(/\r?\n/, 1)[0].split(';').length > text.split(/\r?\n/, 1)[0].split(',').length ? ';' : ',';
  const end = (i: number) => {
    cells.push(cell);
    if (cells.some((c) => c.trim())) records.push({ cells: cells.map((c) => c.trim()), line: text.slice(start, i).trim() });
    cells = [];
    cell = '';
    start = i + 1;
  };
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      cells.push(cell);
      cell = '';
    } else if (char === '\n') end(i);
    else if (char !== '\r') cell += char;
  }
  end(text.length);
  return records;
}

const COLUMNS: Record<keyof Omit<ExtractedRow, 'sourceLine'> | 'collected', RegExp> = {
  rawName: /^(?:test(?:\s*name)?|analyte|biomarker|component|name|marker)$/i,
  rawValue: /^(?:result|value|current\s*result|result\s*value|reading)$/i,
  rawUnit: /^(?:units?|uom)$/i,
  printedRange: /^(?:(?:reference|ref\.?|normal)\s*(?:range|interval|values?)?|range)$/i,
  labFlag: /^(?:flag|abnormal\s*flag|status|abn)$/i,
  collected: /^(?:collected|collection\s*date|date\s*collected|date)$/i,
};

export function parseReportCsv(text: string): ExtractedReport {
  const records = parseCsv(text);
  const headerIndex = records.findIndex((r) => r.cells.some((c) => COLUMNS.rawName.test(c)) && r.cells.some((c) => COLUMNS.rawValue.test(c)));
  if (headerIndex < 0) {
    const report = parseReportText(records.map((r) => r.cells.join('  ')).join('\n'));
    return { ...report, extractor: 'csv' };
  }
  const header = records[headerIndex].cells;
  const column = (key: keyof typeof COLUMNS) => header.findIndex((c) => COLUMNS[key].test(c));
  const at = { name: column('rawName'), value: column('rawValue'), unit: column('rawUnit'), range: column('printedRange'), flag: column('labFlag'), collected: column('collected') };
  const cell = (cells: string[], index: number) => (index >= 0 && cells[index] ? cells[index] : null);
  const rows: ExtractedRow[] = [];
  let collectedAt: PrintedDate | null = null;
  for (const record of records.slice(headerIndex + 1)) {
    const rawName = cell(record.cells, at.name);
    const printed = cell(record.cells, at.value);
    const value = printed ? splitValue(printed.replace(/\s+/g, '')) : null;
    if (!rawName || !value) continue;
    collectedAt ??= parsePrintedDate(cell(record.cells, at.collected) ?? '');
    rows.push({
      rawName,
      rawValue: value.value,
      rawUnit: cell(record.cells, at.unit),
      printedRange: cell(record.cells, at.range),
      labFlag: cell(record.cells, at.flag) ?? value.flag,
      sourceLine: record.line,
    });
  }
  const preamble = records.slice(0, headerIndex).map((r) => r.cells.join(' ')).join('\n');
  return {
    labName: findLabName(preamble) ?? findLabName(text),
    collectedAt: collectedAt ?? findCollectedAt(text),
    reportedAt: findReportedAt(text),
    rows,
    extractor: 'csv',
  };
}
