// Units: a value as printed ("5.5 mmol/L") into the biomarker's canonical unit ("99.1 mg/dL").
// Conversions go through UCUM (@lhncbc/ucum-lhc), which also does mass ↔ molar with the
// catalog's molecular weight and mEq ↔ mmol with the ion's charge. Two clinical rules UCUM
// cannot know are applied first: HbA1c mmol/mol (IFCC) → % (NGSP) by the master equation, and
// enzyme activity printed in IU/L being the U/L of the catalog. A unit that is unknown or
// cannot be converted yields no value and a note saying why, never a guessed number.
import { ucum } from '../../shared/units/ucum';
import type { BiomarkerDefinition } from './catalog';

/**
 * How labs print units that are not UCUM codes (keys lowercase, spaces removed, µ/mc → u),
 * mapped to the UCUM code. "K/uL" would otherwise parse as kelvin per microliter.
 */
const PRINTED_UNITS: Record<string, string> = {
  'miu/l': 'm[IU]/L',
  'miu/ml': 'm[IU]/mL',
  'uiu/ml': 'u[IU]/mL',
  'iu/l': '[IU]/L',
  'iu/ml': '[IU]/mL',
  'u/l': 'U/L',
  'u/ml': 'U/mL',
  'x10e3/ul': '10*3/uL',
  'x10^3/ul': '10*3/uL',
  'x10(3)/ul': '10*3/uL',
  '10^3/ul': '10*3/uL',
  '10e3/ul': '10*3/uL',
  '10*3/ul': '10*3/uL',
  'k/ul': '10*3/uL',
  'thou/ul': '10*3/uL',
  'thousand/ul': '10*3/uL',
  'x10e6/ul': '10*6/uL',
  'x10^6/ul': '10*6/uL',
  'x10(6)/ul': '10*6/uL',
  '10^6/ul': '10*6/uL',
  '10e6/ul': '10*6/uL',
  '10*6/ul': '10*6/uL',
  'm/ul': '10*6/uL',
  'mil/ul': '10*6/uL',
  'million/ul': '10*6/uL',
  'x10e9/l': '10*9/L',
  'x10^9/l': '10*9/L',
  '10^9/l': '10*9/L',
  '10*9/l': '10*9/L',
  'x10e12/l': '10*12/L',
  'x10^12/l': '10*12/L',
  '10^12/l': '10*12/L',
  '10*12/l': '10*12/L',
  'mm/hr': 'mm/h',
  'mm/h': 'mm/h',
  'ml/min/1.73m2': 'mL/min/{1.73_m2}',
  'ml/min/1.73m^2': 'mL/min/{1.73_m2}',
  'ml/min/{1.73_m2}': 'mL/min/{1.73_m2}',
  ratio: '{ratio}',
  '{ratio}': '{ratio}',
  'meq/l': 'meq/L',
  percent: '%',
  '%': '%',
};

/** Charge of the ions the catalog keeps in mmol/L or mg/dL, for results printed in mEq/L. */
const ION_CHARGE: Record<string, number> = { SODIUM: 1, POTASSIUM: 1, CHLORIDE: 1, CO2: 1, CALCIUM: 2, MAGNESIUM: 2 };

/** NGSP % from IFCC mmol/mol (the IFCC–NGSP master equation); NGSP reports one decimal. */
export function hba1cPercentFromIfcc(mmolPerMol: number): number {
  return Math.round((0.09148 * mmolPerMol + 2.152) * 10) / 10;
}

/** The UCUM code of a unit as printed, or null when it is not a unit we can read. */
export function toUcum(printed: string | null | undefined): string | null {
  if (!printed) return null;
  const compact = printed
    .trim()
    .replace(/\s+/g, '')
    .replace(/[µμ]/g, 'u')
    .replace(/mc(?=g|mol|iu)/gi, 'u')
    .replace(/²/g, '2');
  if (!compact) return null;
  const alias = PRINTED_UNITS[compact.toLowerCase()];
  if (alias) return alias;
  // UCUM is case-sensitive and labs print "mg/dl", "mmol/l", "fl": the liter is L.
  const litre = compact.replace(/(^|[/.])([munpfdc]?)l(?=$|[/.])/g, '$1$2L');
  for (const candidate of [litre, compact]) {
    // Bracketed and braced codes come from us, never from a printed report.
    if (/[[\]{}]/.test(candidate)) continue;
    if (ucum.validateUnitString(candidate).status === 'valid') return candidate;
  }
  return null;
}

/** Significant digits of a printed number ("5.5" → 2, "0.90" → 2, "140" → 3). */
export function significantDigits(raw: string): number {
  const digits = raw.replace(/[^0-9.]/g, '');
  const [whole = '', fraction = ''] = digits.split('.');
  const all = (whole + fraction).replace(/^0+/, '');
  return Math.max(1, all.length);
}

/** A converted value keeps one digit more than was printed: no precision invented, none lost. */
function roundLike(value: number, rawValue: string): number {
  return Number(value.toPrecision(Math.min(15, significantDigits(rawValue) + 1)));
}

export interface Conversion {
  /** In the canonical unit; null when the printed unit could not be converted. */
  value: number | null;
  unit: string | null;
  /** How the value was converted, or why it was not. */
  note: string | null;
}

const fail = (note: string): Conversion => ({ value: null, unit: null, note });

/** Replaces one arbitrary unit atom by mol, so UCUM can scale prefixes (u[IU]/mL → m[IU]/L) it otherwise refuses. */
function withoutArbitrary(code: string, atom: string): string {
  return code.split(atom).join('mol');
}

/**
 * `value` (parsed from `rawValue`, printed in `printedUnit`) in `def`'s canonical unit.
 * The printed value is kept as is when the unit already is the canonical one.
 */
export function toCanonical(def: BiomarkerDefinition, value: number, rawValue: string, printedUnit: string | null): Conversion {
  const to = toUcum(def.unit);
  if (!to) return fail(`the catalog unit ${def.unit} is not UCUM`);
  if (!printedUnit?.trim()) {
    return to === '{ratio}' ? { value, unit: def.unit, note: null } : fail(`no unit printed; ${def.name} is recorded in ${def.unit}`);
  }
  let from = toUcum(printedUnit);
  if (!from) return fail(`"${printedUnit}" is not a unit we can read`);
  if (from === to) return { value, unit: def.unit, note: null };

  if (def.code === 'HBA1C') {
    if (from !== 'mmol/mol') return fail(`HbA1c in "${printedUnit}" cannot be converted to %`);
    return { value: hba1cPercentFromIfcc(value), unit: def.unit, note: `${rawValue} mmol/mol (IFCC) → % (NGSP) by the IFCC-NGSP master equation` };
  }
  // Enzyme activity: labs print IU/L and U/L for the same unit (1 IU = 1 µmol/min).
  if (from.includes('[IU]') && !to.includes('[IU]') && /(^|[^a-z])U\//.test(to)) from = from.split('[IU]').join('U');
  let target = to;
  if (from.includes('[IU]') && to.includes('[IU]')) {
    from = withoutArbitrary(from, '[IU]');
    target = withoutArbitrary(to, '[IU]');
  }
  const result = ucum.convertUnitTo(from, value, target, {
    ...(def.molecularWeight ? { molecularWeight: def.molecularWeight } : {}),
    ...(ION_CHARGE[def.code] ? { charge: ION_CHARGE[def.code] } : {}),
  });
  if (result.status !== 'succeeded' || result.toVal === null || !Number.isFinite(result.toVal)) {
    return fail(`"${printedUnit}" cannot be converted to ${def.unit}${result.msg.length ? `: ${result.msg[0]}` : ''}`);
  }
  const converted = roundLike(result.toVal, rawValue);
  const by = def.molecularWeight && /mol/.test(from) !== /mol/.test(target) ? ` (molecular weight ${def.molecularWeight} g/mol)` : '';
  return { value: converted, unit: def.unit, note: `${rawValue} ${printedUnit} → ${converted} ${def.unit}${by}` };
}
