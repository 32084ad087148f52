// The deterministic parser: a report's text, line by line, into result rows. It reads the
// layouts US labs print, in whatever column order:
//   "Glucose 5.5 mmol/L 3.9-5.5 H"                       name value unit range flag
//   "Glucose   99   H   mg/dL   65-99"                    a table: result, flag, units, interval
//   "GLUCOSE        1020 H      65-99 mg/dL     EN"       Quest: in/out of range, range with unit, lab code
//   "Glucose 01     93   High   89  01/02/2024  mg/dL  70-99"  Labcorp: lab code, previous result
// A row is: a name (starting with a letter), then the first value, then — in any order — a
// flag, a reference range and a unit. Anything else on the line (a previous result, a lab
// code) is ignored. A line whose name is not in the catalog is still a row when it carries a
// unit, or a reference range, so unknown tests are kept; headers, addresses and page
// numbers carry neither.
import { matchPrintedName } from '../match';
import { findCollectedAt, findLabName, findReportedAt, isFlag, isRange, isUnit, normalizeLine, splitValue } from './fields';
import type { ExtractedReport, ExtractedRow } from './report';

/** Words that start a header or address line that happens to hold a number and a range. */
const NOT_A_TEST = /^(?:page|phone|tel|fax|npi|id|dob|age|account|acct|specimen|accession|zip|room|patient|physician|doctor|ordering|client|control|requisition)\b/i;

const DATE = /^\d{1,2}\/\d{1,2}\/\d{2,4}$/;

/** One line as a result row, or null when it is not one. */
export function parseRow(line: string): ExtractedRow | null {
  const normalized = normalizeLine(line);
  if (!/^[A-Za-z(]/.test(normalized)) return null;
  const tokens = normalized.split(/\s+/);
  let index = tokens.findIndex((token, i) => i > 0 && splitValue(token) !== null);
  if (index < 0) return null;
  // Labcorp prints a two-digit performing-lab code ("01") right after the name.
  if (/^0\d$/.test(tokens[index]) && tokens[index + 1] && splitValue(tokens[index + 1])) index += 1;
  const nameTokens = tokens.slice(0, index).filter((token) => !/^0\d$/.test(token));
  const printedName = nameTokens.join(' ');
  const rawName = printedName.replace(/[:\s]+$/, '');
  if (!/[A-Za-z]{2}/.test(rawName)) return null;
  const { value: rawValue, flag: gluedFlag } = splitValue(tokens[index])!;

  let labFlag = gluedFlag;
  let printedRange: string | null = null;
  let rawUnit: string | null = null;
  const rest = tokens.slice(index + 1);
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i];
    // A value followed by a date is a previous result (Labcorp): not this row's range.
    if (DATE.test(rest[i + 1] ?? '') && splitValue(token)) {
      i++;
      continue;
    }
    if (!labFlag && isFlag(token)) labFlag = token;
    else if (!printedRange && isRange(token)) printedRange = token;
    else if (!rawUnit && isUnit(token)) rawUnit = token;
  }
  const known = matchPrintedName(rawName);
  if (!known) {
    // "Result: 48", "Specimen ID: 12345": a label, not an unknown test.
    if (NOT_A_TEST.test(rawName) || printedName.endsWith(':')) return null;
    if (!rawUnit && !printedRange) return null;
  }
  return { rawName, rawValue, rawUnit, printedRange, labFlag, sourceLine: line.trim() };
}

/** Every result row of a report's text, with its lab and dates. */
export function parseReportText(text: string): ExtractedReport {
  const rows: ExtractedRow[] = [];
  for (const line of text.split(/\r?\n/)) {
    const row = parseRow(line);
    if (row) rows.push(row);
  }
  return {
    labName: findLabName(text),
    collectedAt: findCollectedAt(text),
    reportedAt: findReportedAt(text),
    rows,
    extractor: 'parser',
  };
}
