// The units a peptide dose is written in, and their UCUM codes: a dose in mg and a catalog
// range in mcg are compared after a UCUM conversion (shared/units/ucum.ts). Mass converts to
// mass; IU, "units" and volumes do not convert to a mass (that needs a product-specific
// factor), so such a pair is reported as incompatible rather than guessed.
import { convertUcum } from '../../units/ucum';

export const DOSE_UNITS = ['mcg', 'mg', 'g', 'IU', 'mL', 'units'] as const;
export type DoseUnit = (typeof DOSE_UNITS)[number];

const UCUM_CODE: Record<DoseUnit, string> = { mcg: 'ug', mg: 'mg', g: 'g', IU: '[IU]', mL: 'mL', units: '{unit}' };

export function isDoseUnit(unit: string): unit is DoseUnit {
  return (DOSE_UNITS as readonly string[]).includes(unit);
}

/** A dose unit as people write it ("µg", "ug", "iu", "Units") in its canonical spelling; null when it is not one. */
export function doseUnitOf(written: string): DoseUnit | null {
  const lower = written.trim().toLowerCase();
  if (['mcg', 'µg', 'μg', 'ug'].includes(lower)) return 'mcg';
  if (lower === 'mg' || lower === 'g') return lower;
  if (lower === 'iu' || lower === 'ui') return 'IU';
  if (lower === 'ml') return 'mL';
  if (lower === 'unit' || lower === 'units' || lower === 'unidades') return 'units';
  return null;
}

/** `amount` of `from` in `to`, through UCUM; null when the units are not commensurable. */
export function convertDose(amount: number, from: DoseUnit, to: DoseUnit): number | null {
  if (from === to) return amount;
  const converted = convertUcum(amount, UCUM_CODE[from], UCUM_CODE[to]);
  // Binary floating point from the conversion factors: 0.3 mg is 300 mcg, not 299.99999999999994.
  return converted === null ? null : Number(converted.toPrecision(12));
}

/** "250 mcg", "0.25 mg": at most 6 significant digits, no trailing zeros. */
export function formatDose(amount: number, unit: string): string {
  return `${Number(amount.toPrecision(6))} ${unit}`;
}
