// Safety: a peptide the patient's conditions or medications make unsafe is not suggested to
// them. Curated from the products' labels and the literature the catalog cites; a peptide the
// patient's own protocol already has was weighed by their clinician and passes.
import { mentions, type GuardFacts } from './facts';
import type { Finding, SentenceCheck } from './finding';

interface Contraindication {
  /** Catalog names and brand names of the peptides concerned. */
  peptides: string[];
  conditions?: RegExp;
  medications?: RegExp;
  because: { en: string; es: string };
}

export const CONTRAINDICATIONS: Contraindication[] = [
  {
    peptides: ['Semaglutide', 'Ozempic', 'Wegovy', 'Rybelsus', 'Tirzepatide', 'Mounjaro', 'Zepbound', 'Retatrutide'],
    conditions: /medullary thyroid|\bmen ?2\b|multiple endocrine neoplasia|pancreatitis|pregnan|gastroparesis/i,
    medications: /insulin|glipizide|glyburide|glimepiride|sulfonylurea/i,
    because: { en: 'your history or medications (thyroid cancer risk, pancreatitis, pregnancy or low blood sugar with insulin)', es: 'tus antecedentes o medicamentos' },
  },
  {
    peptides: ['CJC-1295', 'Ipamorelin', 'Sermorelin', 'Tesamorelin', 'Egrifta', 'MK-677'],
    conditions: /cancer|malignan|tumou?r|diabetes|prediabetes|pregnan/i,
    because: { en: 'your conditions (growth-hormone secretagogues raise blood sugar and are avoided with diabetes or cancer)', es: 'tus condiciones (suben el azúcar en sangre)' },
  },
  {
    peptides: ['PT-141', 'Bremelanotide', 'Vyleesi'],
    conditions: /hypertension|high blood pressure|heart disease|coronary|cardiovascular|heart failure/i,
    medications: /lisinopril|amlodipine|losartan|valsartan|metoprolol|atenolol|hydrochlorothiazide|naltrexone/i,
    because: { en: 'your blood pressure or heart health (PT-141 raises blood pressure)', es: 'tu presión arterial o salud cardiaca' },
  },
  {
    peptides: ['BPC-157', 'TB-500', 'GHK-Cu'],
    conditions: /cancer|malignan|tumou?r/i,
    because: { en: 'a history of cancer (these peptides promote new blood vessel growth)', es: 'antecedentes de cáncer' },
  },
  {
    peptides: ['Kisspeptin-10', 'Kisspeptin'],
    conditions: /pregnan/i,
    because: { en: 'pregnancy', es: 'el embarazo' },
  },
  {
    peptides: ['DSIP'],
    medications: /zolpidem|alprazolam|lorazepam|clonazepam|diazepam|benzodiazep|oxycodone|hydrocodone|opioid/i,
    because: { en: 'your sedating medications', es: 'tus medicamentos sedantes' },
  },
  {
    peptides: ['Thymosin Alpha-1', 'LL-37'],
    conditions: /transplant|lupus|psoriasis|autoimmune|rheumatoid/i,
    medications: /tacrolimus|cyclosporine|mycophenolate|methotrexate/i,
    because: { en: 'an autoimmune condition or immunosuppression', es: 'una enfermedad autoinmune o inmunosupresión' },
  },
];

function applies(rule: Contraindication, facts: GuardFacts): boolean {
  return (
    (rule.conditions !== undefined && facts.conditions.some((condition) => rule.conditions!.test(condition))) ||
    (rule.medications !== undefined && facts.medications.some((medication) => rule.medications!.test(medication)))
  );
}

export const contraindicated: SentenceCheck = (sentence, facts): Finding | null => {
  for (const rule of CONTRAINDICATIONS) {
    const named = rule.peptides.find((peptide) => mentions(sentence, peptide));
    if (!named || !applies(rule, facts)) continue;
    const prescribed = facts.protocolDoses.some((dose) => rule.peptides.some((peptide) => mentions(dose.peptide, peptide)));
    if (prescribed) continue;
    return {
      check: 'safety',
      rule: 'contraindication',
      detail: `${named} with the patient's conditions or medications`,
      replacement: {
        en: `${named} may not be safe for you because of ${rule.because.en}; please don't consider it without your clinician.`,
        es: `${named} podría no ser seguro para ti por ${rule.because.es}; no lo consideres sin hablar con tu médico.`,
      },
    };
  }
  return null;
};

export const SAFETY_CHECKS: SentenceCheck[] = [contraindicated];
