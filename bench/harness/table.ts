// Prints figures side by side: figure, baseline, now, and now ÷ baseline.
import { round } from './stats';

export interface Row {
  figure: string;
  baseline: number;
  now: number;
}

const shown = (value: number) => (Number.isFinite(value) ? String(round(value, 2)) : 'n/a');
/** Ratios keep three significant digits: 0.0031 stays readable where two decimals would say 0. */
const ratio = (value: number) => (Number.isFinite(value) ? String(Number(value.toPrecision(3))) : 'n/a');

export function comparisonTable(rows: readonly Row[], headings = { baseline: 'baseline', now: 'now' }): string {
  const lines = [`| figure | ${headings.baseline} | ${headings.now} | now ÷ baseline |`, '|---|---:|---:|---:|'];
  for (const row of rows) lines.push(`| ${row.figure} | ${shown(row.baseline)} | ${shown(row.now)} | ${row.baseline ? ratio(row.now / row.baseline) : 'n/a'} |`);
  return lines.join('\n');
}
