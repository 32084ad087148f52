// Lookups over the biomarker catalog: by code, by the name a lab printed, by LOINC;
// the reference range that applies to a patient; and a value's classification.
import { BIOMARKERS, type BiomarkerDefinition, type BiomarkerSex, type RangeSpec } from './biomarkers';

export * from './biomarkers';

export type BiomarkerClassification = 'CRITICAL_LOW' | 'LOW' | 'OPTIMAL' | 'NORMAL' | 'HIGH' | 'CRITICAL_HIGH' | 'UNKNOWN';

const BY_CODE = new Map<string, BiomarkerDefinition>(BIOMARKERS.map((def) => [def.code, def]));

const BY_LOINC = new Map<string, BiomarkerDefinition>();
for (const def of BIOMARKERS) for (const loinc of def.loinc) if (!BY_LOINC.has(loinc)) BY_LOINC.set(loinc, def);

/** Lowercase, "%" to "percent", other punctuation to spaces, spaces collapsed: "Glucose, Serum" → "glucose serum". */
export function normalizeName(raw: string): string {
  return raw
    .toLowerCase()
    .replace(/%/g, ' percent ')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const compact = (normalized: string) => normalized.replace(/ /g, '');

// Catalog order decides an ambiguous name: the first entry that claims it wins.
const BY_NAME = new Map<string, BiomarkerDefinition>();
const BY_COMPACT = new Map<string, BiomarkerDefinition>();
for (const def of BIOMARKERS) {
  for (const name of [def.code, def.name, ...def.synonyms]) {
    const key = normalizeName(name);
    if (!key) continue;
    if (!BY_NAME.has(key)) BY_NAME.set(key, def);
    if (!BY_COMPACT.has(compact(key))) BY_COMPACT.set(compact(key), def);
  }
}

export function findBiomarker(code: string): BiomarkerDefinition | undefined {
  return BY_CODE.get(code) ?? BY_CODE.get(code.trim().toUpperCase());
}

export function findBiomarkerByLoinc(loinc: string): BiomarkerDefinition | undefined {
  return BY_LOINC.get(loinc.trim());
}

/** Maps a name as printed on a report ("LDL Chol Calc (NIH)", "hs-CRP", "GLU") to a catalog entry. */
export function matchBiomarker(rawName: string): BiomarkerDefinition | undefined {
  const key = normalizeName(rawName);
  if (!key) return undefined;
  const direct = BY_NAME.get(key) ?? BY_COMPACT.get(compact(key));
  if (direct) return direct;
  // "Glucose (Fasting)" / "TSH [3rd gen]": try again without the bracketed qualifier.
  const stripped = normalizeName(rawName.replace(/\([^)]*\)|\[[^\]]*\]/g, ' '));
  if (stripped && stripped !== key) return BY_NAME.get(stripped) ?? BY_COMPACT.get(compact(stripped));
  return undefined;
}

function applies(range: RangeSpec, sex: BiomarkerSex, age: number): boolean {
  if (range.sex !== undefined && range.sex !== sex) return false;
  if (range.minAge !== undefined && age < range.minAge) return false;
  if (range.maxAge !== undefined && age > range.maxAge) return false;
  return true;
}

function specificity(range: RangeSpec): number {
  return (range.sex !== undefined ? 2 : 0) + (range.minAge !== undefined || range.maxAge !== undefined ? 1 : 0);
}

/** The most specific range for this patient: sex+age beats sex beats age beats none. */
export function referenceRangeFor(def: BiomarkerDefinition, sex: BiomarkerSex, ageYears: number): RangeSpec | undefined {
  const age = Math.floor(ageYears);
  let best: RangeSpec | undefined;
  let bestScore = -1;
  for (const range of def.ranges) {
    if (!applies(range, sex, age)) continue;
    const score = specificity(range);
    if (score > bestScore) {
      best = range;
      bestScore = score;
    }
  }
  return best;
}

/** Critical limits first, then the reference interval, then the optimal band. */
export function classify(
  def: BiomarkerDefinition,
  value: number,
  sex: BiomarkerSex,
  ageYears: number,
): BiomarkerClassification {
  const range = referenceRangeFor(def, sex, ageYears);
  if (!range || !Number.isFinite(value)) return 'UNKNOWN';
  if (range.criticalLow !== undefined && value < range.criticalLow) return 'CRITICAL_LOW';
  if (range.criticalHigh !== undefined && value > range.criticalHigh) return 'CRITICAL_HIGH';
  if (range.low !== undefined && value < range.low) return 'LOW';
  if (range.high !== undefined && value > range.high) return 'HIGH';
  const hasOptimal = range.optimalLow !== undefined || range.optimalHigh !== undefined;
  if (
    hasOptimal &&
    (range.optimalLow === undefined || value >= range.optimalLow) &&
    (range.optimalHigh === undefined || value <= range.optimalHigh)
  ) {
    return 'OPTIMAL';
  }
  return 'NORMAL';
}

/** The range as a lab prints it: "70-99", "<200", ">39". */
export function formatRange(range: RangeSpec | undefined): string | undefined {
  if (!range) return undefined;
  const { low, high } = range;
  if (low !== undefined && high !== undefined) return `${low}-${high}`;
  if (high !== undefined) return `<=${high}`;
  if (low !== undefined) return `>=${low}`;
  return undefined;
}
