// Extracted rows → the readings we store: matched to the catalog by the printed name,
// converted to the canonical unit, classified against the patient's sex and age, with our
// reference range beside the lab's printed one. A row that matches nothing is kept with its
// printed value and unit and status UNKNOWN; a value whose unit cannot be converted keeps
// its printed value (rawValue/rawUnit) and no canonical value, with a note saying why.
import type { BiomarkerStatus } from '../../generated/prisma/client';
import { classify, referenceRangeFor, type BiomarkerSex } from './catalog';
import { parseValue } from './extract/fields';
import type { ExtractedRow } from './extract/report';
import { matchPrintedName } from './match';
import { toCanonical } from './units';

export interface ReadingRow {
  code: string | null;
  rawName: string;
  rawValue: string;
  rawUnit: string | null;
  value: number | null;
  unit: string | null;
  status: BiomarkerStatus;
  printedRange: string | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  labFlag: string | null;
  sourceLine: string | null;
  conversionNote: string | null;
  position: number;
}

const join = (...notes: (string | null)[]) => notes.filter(Boolean).join('; ') || null;

export function toReading(row: ExtractedRow, position: number, sex: BiomarkerSex, ageYears: number): ReadingRow {
  const printed = {
    rawName: row.rawName.slice(0, 200),
    rawValue: row.rawValue.slice(0, 50),
    rawUnit: row.rawUnit?.slice(0, 50) ?? null,
    printedRange: row.printedRange?.slice(0, 100) ?? null,
    labFlag: row.labFlag?.slice(0, 20) ?? null,
    sourceLine: row.sourceLine.slice(0, 500),
    position,
  };
  const parsed = parseValue(row.rawValue);
  const censored = parsed?.censored ? `reported as ${row.rawValue}: the bound is kept as the value` : null;
  const definition = matchPrintedName(row.rawName);
  if (!definition) {
    return {
      ...printed,
      code: null,
      value: parsed?.value ?? null,
      unit: row.rawUnit,
      status: 'UNKNOWN',
      referenceLow: null,
      referenceHigh: null,
      conversionNote: join('not in the biomarker catalog', censored),
    };
  }
  const range = referenceRangeFor(definition, sex, ageYears);
  const ours = { code: definition.code, referenceLow: range?.low ?? null, referenceHigh: range?.high ?? null };
  if (!parsed) return { ...printed, ...ours, value: null, unit: null, status: 'UNKNOWN', conversionNote: `"${row.rawValue}" is not a number` };
  const converted = toCanonical(definition, parsed.value, row.rawValue.replace(/^[<>]=?/, ''), row.rawUnit);
  return {
    ...printed,
    ...ours,
    value: converted.value,
    unit: converted.unit,
    status: converted.value === null ? 'UNKNOWN' : classify(definition, converted.value, sex, ageYears),
    conversionNote: join(converted.note, censored),
  };
}

export function toReadings(rows: ExtractedRow[], sex: BiomarkerSex, ageYears: number): ReadingRow[] {
  return rows.map((row, index) => toReading(row, index, sex, ageYears));
}
