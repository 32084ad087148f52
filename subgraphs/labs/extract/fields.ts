// Recognizers for the parts of a printed result row — value, flag, reference range, unit —
// and for the report's dates and lab. Shared by the line parser, the CSV reader and the
// validation of the AI extractor's rows, so every row is read by the same rules.
import { toUcum } from '../units';
import type { PrintedDate } from './report';

const NUMBER = String.raw`\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?`;

/** "5.5", "<0.3", ">=60", "1,020". */
const VALUE = new RegExp(`^(?:[<>]=?)?(?:${NUMBER})$`);
/** A value with the flag glued on: "1020H", "4.1L". */
const VALUE_WITH_FLAG = new RegExp(`^((?:[<>]=?)?(?:${NUMBER}))(HH|LL|H|L|A|\\*)$`);
/** "70-99", "<200", ">=40". */
const RANGE = new RegExp(`^(?:(?:${NUMBER})-(?:${NUMBER})|(?:[<>]=?)(?:${NUMBER}))$`);
const FLAG = /^(?:H|L|HH|LL|A|AA|C|\*|H\*|L\*|\(H\)|\(L\)|High|Low|Abnormal|Abn|Critical|Crit|Panic|Critical High|Critical Low)$/i;
const DATE_LIKE = /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/;
/** Units printed without a slash or percent sign. */
const STANDALONE_UNITS = new Set(['fl', 'pg', 'ratio', '%']);

export function isValue(token: string): boolean {
  return VALUE.test(token);
}

/** A value token, possibly with its flag glued on; null when the token is not a value. */
export function splitValue(token: string): { value: string; flag: string | null } | null {
  if (VALUE.test(token)) return { value: token, flag: null };
  const glued = VALUE_WITH_FLAG.exec(token);
  return glued ? { value: glued[1], flag: glued[2] } : null;
}

export function isRange(token: string): boolean {
  return RANGE.test(token);
}

export function isFlag(token: string): boolean {
  return FLAG.test(token);
}

export function isUnit(token: string): boolean {
  if (DATE_LIKE.test(token)) return false;
  const looksLikeUnit = /[/%]/.test(token) || STANDALONE_UNITS.has(token.toLowerCase());
  return looksLikeUnit && toUcum(token) !== null;
}

/** A printed value as a number: "<0.3" → 0.3 with its censoring, "1,020" → 1020. */
export function parseValue(raw: string): { value: number; censored: '<' | '>' | null } | null {
  const match = /^\s*([<>]=?)?\s*(\d[\d,]*(?:\.\d+)?)\s*$/.exec(raw);
  if (!match) return null;
  const digits = match[2];
  if (digits.includes(',') && !/^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(digits)) return null;
  const value = Number(digits.replace(/,/g, ''));
  if (!Number.isFinite(value)) return null;
  return { value, censored: match[1] ? (match[1][0] as '<' | '>') : null };
}

/**
 * Rewrites the spellings of one row that would otherwise split into several tokens:
 * "> OR = 40" → ">=40", "70 - 99" → "70-99", "3.9 to 5.5" → "3.9-5.5", "1.73 m2" → "1.73m2".
 */
export function normalizeLine(line: string): string {
  return line
    .replace(/[≤]/g, '<=')
    .replace(/[≥]/g, '>=')
    .replace(/([<>])\s*OR\s*=\s*/gi, '$1=')
    // A column printed flush against the next: "m2>=60" is a unit and a range.
    .replace(/([A-Za-z0-9%])([<>]=?\s*\d)/g, '$1 $2')
    .replace(/([<>]=?)\s+(?=\d)/g, '$1')
    .replace(/(\d)\s*(?:-|–|to)\s*(?=\d)/g, '$1-')
    .replace(/1\.73\s+m(?:2|²|\^2)/gi, '1.73m2')
    .replace(/(\d)\s+(H|L|HH|LL)\*/g, '$1 $2*')
    .trim();
}

// ───────────── dates and the lab ─────────────

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DATE_PATTERN = String.raw`(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|[A-Za-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+[A-Za-z]{3,9}\.?\s+\d{4})`;
const TIME_PATTERN = String.raw`(?:[ T,]+(\d{1,2}):(\d{2})(?::\d{2})?\s*([AaPp][Mm])?)?`;

function valid(date: PrintedDate): PrintedDate | null {
  const { year, month, day, hour = 0, minute = 0 } = date;
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  return date;
}

/** "01/15/2025 08:30 AM", "2025-01-15T08:30", "Jan 15, 2025": US order for slashes, as US labs print. */
export function parsePrintedDate(text: string): PrintedDate | null {
  const match = new RegExp(`^\\s*${DATE_PATTERN}${TIME_PATTERN}`).exec(text);
  if (!match) return null;
  const [, date, hh, mm, ampm] = match;
  let parts: { year: number; month: number; day: number } | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(date))) parts = { year: +m[1], month: +m[2], day: +m[3] };
  else if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(date))) {
    const year = m[3].length === 2 ? 2000 + +m[3] : +m[3];
    parts = { year, month: +m[1], day: +m[2] };
  } else if ((m = /^([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})$/.exec(date)) || (m = /^(\d{1,2})\s+([A-Za-z]{3,9})\.?\s+(\d{4})$/.exec(date))) {
    const [monthName, day] = /^\d/.test(m[1]) ? [m[2], m[1]] : [m[1], m[2]];
    const month = MONTHS.indexOf(monthName.slice(0, 3).toLowerCase()) + 1;
    if (month > 0) parts = { year: +m[3], month, day: +day };
  }
  if (!parts) return null;
  if (hh === undefined) return valid(parts);
  let hour = +hh;
  if (ampm) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (/p/i.test(ampm) ? 12 : 0);
  }
  return valid({ ...parts, hour, minute: +mm });
}

const COLLECTED_LABEL = /(?:date\s+collected|collection\s+date(?:\s*\/\s*time)?|date\s+of\s+collection|specimen\s+collected|collected(?:\s+on)?|date\s+drawn|drawn)\s*[:\-]?\s*/gi;
const REPORTED_LABEL = /(?:date\s+reported|report(?:ed)?\s+date|reported(?:\s+on)?|date\s+of\s+report)\s*[:\-]?\s*/gi;

function dateAfter(label: RegExp, text: string): PrintedDate | null {
  for (const match of text.matchAll(label)) {
    const date = parsePrintedDate(text.slice(match.index! + match[0].length, match.index! + match[0].length + 40));
    if (date) return date;
  }
  return null;
}

export function findCollectedAt(text: string): PrintedDate | null {
  return dateAfter(COLLECTED_LABEL, text);
}

export function findReportedAt(text: string): PrintedDate | null {
  return dateAfter(REPORTED_LABEL, text);
}

const KNOWN_LABS: [RegExp, string][] = [
  [/quest\s+diagnostics/i, 'Quest Diagnostics'],
  [/lab\s*corp|laboratory\s+corporation\s+of\s+america/i, 'Labcorp'],
  [/bio-?reference/i, 'BioReference Laboratories'],
  [/sonic\s+healthcare/i, 'Sonic Healthcare'],
  [/arup\s+laboratories/i, 'ARUP Laboratories'],
  [/mayo\s+clinic\s+laboratories/i, 'Mayo Clinic Laboratories'],
];

export function findLabName(text: string): string | null {
  for (const [pattern, name] of KNOWN_LABS) if (pattern.test(text)) return name;
  const labelled = /^\s*(?:performing\s+)?lab(?:oratory)?\s*(?:name)?\s*:\s*(.{2,80}?)\s*$/im.exec(text);
  return labelled ? labelled[1] : null;
}
