// The catalog's clinical rules for one peptide, as the content subgraph owns and serves them
// (Peptide.dosing, Peptide.contraindications), and the facts about a patient they are checked
// against. Plain data: protocols (writes), Luna (its answers) and the catalog's own editors
// all read the same shapes.

export interface DosingLimits {
  /** One of shared/domain/clinical/dose-units.ts: every limit below is in it. */
  doseUnit: string;
  /** Per administration. */
  minDose: number;
  maxDose: number;
  /** The most in one day, all administrations together. */
  maxDailyDose: number;
  routes: string[];
  /** Keys of shared/domain/clinical/frequencies.ts. */
  frequencies: string[];
  source: string;
}

export interface ContraindicationRule {
  id: string;
  /** Lowercase terms; a patient's condition (or medication) containing one matches. */
  conditions: string[];
  medications: string[];
  /** FEMALE and/or MALE: the rule applies to these. */
  sexes: string[];
  /** Applies below this age (whole years). */
  ageUnder: number | null;
  /** Applies above this age. */
  ageOver: number | null;
  /** Applies in pregnancy or breastfeeding (as the patient's conditions record it). */
  pregnancy: boolean;
  reason: string;
  source: string;
}

export interface PeptideRules {
  peptideId: string;
  name: string;
  /** Null when the catalog has no dosing data for it (yet). */
  dosing: DosingLimits | null;
  contraindications: ContraindicationRule[];
}

export interface PatientClinicalFacts {
  sex: 'FEMALE' | 'MALE';
  age: number;
  conditions: string[];
  medications: string[];
}
