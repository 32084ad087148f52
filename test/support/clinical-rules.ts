// A seeded peptide's clinical rules as the graph serves them (peptideClinicalRules), for tests
// of the checks that do not need the stack.
import { CLINICAL_RULES, contraindicationsFor } from '../../prisma/seed/clinical-rules';
import { PEPTIDES } from '../../prisma/seed/content';
import type { PeptideRules } from '../../shared/domain/clinical/rules';

export function seededRules(slug: string): PeptideRules {
  return {
    peptideId: slug,
    name: PEPTIDES.find((p) => p.slug === slug)!.name,
    dosing: CLINICAL_RULES[slug].dosing,
    contraindications: contraindicationsFor(slug).map((rule, i) => ({ id: `${slug}-${i}`, ...rule })),
  };
}
