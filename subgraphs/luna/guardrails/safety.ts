// Safety: a peptide the patient's conditions, medications, sex or age make unsafe is not
// suggested to them. The rules are the catalog's own contraindications (content owns them, with
// their sources; shared/domain/clinical/findings.ts matches them), the same ones protocol writes
// are checked against. A peptide in the patient's own protocol whose findings a provider
// overrode was weighed by their clinician and passes; one with an unresolved finding does not.
import { contraindicationMatches } from '../../../shared/domain/clinical/findings';
import type { PeptideRules } from '../../../shared/domain/clinical/rules';
import { mentionsPeptide, type GuardFacts } from './facts';
import type { Finding, SentenceCheck } from './finding';

/** The reasons the catalog gives against this peptide for this patient (none when the patient is unknown). */
export function contraindicationReasons(peptide: PeptideRules, facts: GuardFacts): string[] {
  if (!facts.patient) return [];
  const patient = { ...facts.patient, conditions: facts.conditions, medications: facts.medications };
  return peptide.contraindications.filter((rule) => contraindicationMatches(rule, patient).length > 0).map((rule) => rule.reason);
}

export const contraindicated: SentenceCheck = (sentence, facts): Finding | null => {
  for (const peptide of facts.catalog) {
    if (!mentionsPeptide(sentence, peptide)) continue;
    const reasons = contraindicationReasons(peptide, facts);
    if (!reasons.length) continue;
    const weighed = facts.protocolDoses.some((dose) => !dose.unresolved && mentionsPeptide(dose.peptide, peptide));
    if (weighed) continue;
    const because = reasons[0].charAt(0).toLowerCase() + reasons[0].slice(1);
    return {
      check: 'safety',
      rule: 'contraindication',
      detail: `${peptide.name} with the patient's conditions or medications`,
      replacement: {
        en: `${peptide.name} may not be safe for you (${because}); please don't consider it without your clinician.`,
        es: `${peptide.name} podría no ser seguro para ti según tus antecedentes o medicamentos; no lo consideres sin hablar con tu médico.`,
      },
    };
  }
  return null;
};

export const SAFETY_CHECKS: SentenceCheck[] = [contraindicated];
