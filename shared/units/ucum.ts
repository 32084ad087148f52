// UCUM (the Unified Code for Units of Measure) through @lhncbc/ucum-lhc, the NLM's reference
// implementation: one instance per process for every domain that converts units (lab values in
// labs, peptide doses in protocols and Luna). Conversions are the library's, never hand-written
// factors; a unit it cannot relate yields null, not a guess.
import { UcumLhcUtils } from '@lhncbc/ucum-lhc';

export const ucum = UcumLhcUtils.getInstance();

/** `value` in UCUM unit `from` expressed in `to`; null when the two are not commensurable. */
export function convertUcum(value: number, from: string, to: string, options: { molecularWeight?: number; charge?: number } = {}): number | null {
  if (from === to) return value;
  const result = ucum.convertUnitTo(from, value, to, options);
  return result.status === 'succeeded' && result.toVal !== null && Number.isFinite(result.toVal) ? result.toVal : null;
}
