import type { Language } from '../emergency';
import type { GuardFacts } from './facts';

export type GuardCheck = 'compliance' | 'business' | 'safety';

/** One sentence that breaks a rule, and what replaces it. */
export interface Finding {
  check: GuardCheck;
  /** Which rule, e.g. "diagnosis", "dosing", "competitor_pricing". */
  rule: string;
  /** Why, in a few words (no patient data beyond the rule's subject). */
  detail: string;
  replacement: Record<Language, string>;
}

export type SentenceCheck = (sentence: string, facts: GuardFacts) => Finding | null;

/** Words that hand the decision to a clinician: a sentence that defers is not itself prescribing. */
export const DEFERS_TO_CLINICIAN = /\b(clinician|doctor|physician|provider|care team|prescriber|pharmacist|medico|doctora?|equipo de atencion)\b/i;
