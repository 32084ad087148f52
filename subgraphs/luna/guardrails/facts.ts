// What the guardrails know about the patient and the catalog, gathered once per turn. The
// catalog's clinical rules (dosing ranges, contraindications) are the content subgraph's, read
// through the graph (shared/domain/clinical/catalog-rules.ts): Luna keeps no copy of them.
import type { PatientClinicalFacts, PeptideRules } from '../../../shared/domain/clinical/rules';

export interface ProtocolDose {
  /** The catalog peptide's name, e.g. "BPC-157". */
  peptide: string;
  amount: number;
  unit: string;
  /** The item has a clinical finding no provider has overridden (a dose out of range, a contraindication), or could not be checked. */
  unresolved: boolean;
}

export interface GuardFacts {
  /** The peptides Loop Health sells, with their clinical rules. */
  catalog: PeptideRules[];
  /** Sex and age for the contraindication rules; null when the patient's summary is unavailable. */
  patient: Pick<PatientClinicalFacts, 'sex' | 'age'> | null;
  /** Every dose of the patient's own protocols (active, paused and drafts alike). */
  protocolDoses: ProtocolDose[];
  /** The patient's medications as recorded, e.g. "Metformin 500 mg". */
  medications: string[];
  conditions: string[];
  allergies: string[];
}

export const NO_FACTS: GuardFacts = { catalog: [], patient: null, protocolDoses: [], medications: [], conditions: [], allergies: [] };

/** The names a catalog peptide goes by: "PT-141 (Bremelanotide)" is also "PT-141" and "Bremelanotide". */
export function aliasesOf(name: string): string[] {
  const bracketed = /^(.*?)\s*\(([^)]+)\)\s*$/.exec(name);
  return bracketed ? [name, bracketed[1], bracketed[2]].filter((alias) => alias.trim()) : [name];
}

/** Every name of every catalog peptide. */
export const catalogNames = (facts: Pick<GuardFacts, 'catalog'>) => facts.catalog.flatMap((peptide) => aliasesOf(peptide.name));

/** A name as a pattern that tolerates case, hyphens and spaces: "BPC-157" matches "bpc 157", "BPC157". */
export function namePattern(name: string, flags = 'i'): RegExp {
  const body = name
    .trim()
    .split(/[\s-]+/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s-]?');
  return new RegExp(`(?<![\\w-])${body}(?![\\w])`, flags);
}

export function mentions(sentence: string, name: string): boolean {
  return namePattern(name).test(sentence);
}

/** Whether the sentence names this catalog peptide by any of its names. */
export function mentionsPeptide(sentence: string, peptide: Pick<PeptideRules, 'name'>): boolean {
  return aliasesOf(peptide.name).some((alias) => mentions(sentence, alias));
}

/** Where the sentence names the peptide (by any name), as character offsets. */
export function mentionOffsets(sentence: string, peptide: Pick<PeptideRules, 'name'>): number[] {
  return aliasesOf(peptide.name).flatMap((alias) => [...sentence.matchAll(namePattern(alias, 'gi'))].map((match) => match.index ?? 0));
}
