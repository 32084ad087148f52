// Compliance: Luna informs, it does not diagnose or prescribe, and it speaks of doses only as
// the patient's own protocol (or medication list) has them, and never of a dose outside the
// catalog's range for the peptide, whatever the protocol holds.
import { convertDose, doseUnitOf, formatDose } from '../../../shared/domain/clinical/dose-units';
import type { PeptideRules } from '../../../shared/domain/clinical/rules';
import { normalize } from '../emergency';
import { catalogNames, mentionOffsets, mentions, mentionsPeptide, type GuardFacts } from './facts';
import { DEFERS_TO_CLINICIAN, type Finding, type SentenceCheck } from './finding';

const CONDITIONS =
  '(type [12] )?diabetes|prediabetes|(hypo|hyper)thyroidism|hashimoto\'?s?|graves\'? disease|an(a)?emia|cancer|leukemia|lymphoma|heart disease|heart failure|kidney disease|liver disease|fatty liver|cirrhosis|pcos|polycystic ovary syndrome|sleep apnea|depression|bipolar|anxiety disorder|low testosterone|hypogonadism|insulin resistance|metabolic syndrome|an infection|hypertension|high blood pressure|hyperlipidemia|high cholesterol|(iron|vitamin [a-z0-9]+) deficiency|a (thyroid|heart|kidney|liver|hormone|hormonal) (problem|disorder|condition|disease)|(an? )?\\w+ (disease|disorder|syndrome)';
const CONDITIONS_ES =
  'diabetes|prediabetes|hipotiroidismo|hipertiroidismo|anemia|cancer|una enfermedad \\w+|enfermedad (cardiaca|renal|hepatica)|higado graso|apnea del sueno|depresion|hipertension|colesterol alto|resistencia a la insulina|sindrome \\w+|testosterona baja|una infeccion|deficiencia de \\w+';

const DIAGNOSIS = [
  new RegExp(`\\byou (definitely |probably |likely |clearly |most likely |may |might |could )?(have|are suffering from|suffer from|'ve got|have got|are diagnosed with|have developed) (${CONDITIONS})\\b`),
  new RegExp(`\\byou(?:'re| are) (diabetic|prediabetic|pre-diabetic|hypothyroid|hyperthyroid|anemic|anaemic|insulin resistant|hypogonadal)\\b`),
  /\b(this|these results?|your (labs?|results?|numbers?)) (means?|confirms?|shows?|shows that|indicates?|proves?) (that )?you (have|are suffering from)\b/,
  /\b(i diagnose|my diagnosis is|the diagnosis is|you are diagnosed)\b/,
  new RegExp(`\\b(usted |tu )?(tienes|tiene|padeces|padece|sufres de|sufre de) (${CONDITIONS_ES})\\b`),
  /\b(eres|es) (diabetic[oa]|prediabetic[oa]|hipotiroide[oa]|anemic[oa])\b/,
  /\besto (significa|confirma|indica|demuestra) que (tienes|tiene|padeces)\b/,
];

/** The sentence restates a condition the patient's own record has ("since you have hypertension"). */
function recorded(sentence: string, facts: GuardFacts): boolean {
  return facts.conditions.some((condition) => normalize(sentence).includes(normalize(condition)));
}

export const diagnosis: SentenceCheck = (sentence, facts) => {
  const text = normalize(sentence);
  if (!DIAGNOSIS.some((pattern) => pattern.test(text)) || recorded(sentence, facts)) return null;
  return {
    check: 'compliance',
    rule: 'diagnosis',
    detail: 'a diagnosis was stated',
    replacement: {
      en: "I can't diagnose conditions; your clinician can tell you what your results mean for you.",
      es: 'No puedo diagnosticar enfermedades; tu médico puede explicarte qué significan tus resultados para ti.',
    },
  };
};

const DRUG_WORDS =
  'dose|doses|dosage|medication|medications|medicine|meds|pills?|tablets?|injections?|peptides?|supplements?|insulin|metformin|statins?|atorvastatin|rosuvastatin|levothyroxine|lisinopril|amlodipine|sertraline|testosterone|estradiol|hormones?|semaglutide|tirzepatide|ozempic|wegovy|mounjaro|zepbound|antibiotics?|aspirin|ibuprofen';
const DRUG_WORDS_ES = 'dosis|medicamentos?|medicina|pastillas?|tabletas?|inyecci(on|ones)|peptidos?|suplementos?|insulina|metformina|estatinas?|testosterona|hormonas?';

function prescribingPatterns(names: string[]): RegExp[] {
  const drugs = [DRUG_WORDS, ...names.map((name) => name.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/[\s-]+/g, '[\\s-]?'))].join('|');
  const verbs = 'start|begin|take|try|use|add|stop|quit|discontinue|increase|decrease|double|halve|lower|raise|reduce|switch to|skip|inject';
  return [
    new RegExp(`\\byou should (${verbs})( taking| using)?\\b.*\\b(${drugs})`),
    new RegExp(`\\bi (recommend|prescribe|suggest|advise)( that you)?( you)? (${verbs}|starting|taking|using|adding|stopping|increasing|decreasing)\\b.*\\b(${drugs})`),
    new RegExp(`^(please )?(${verbs})( taking| using)? (your |the |a |an |some )?(${drugs})\\b`),
    /\b(increase|decrease|double|halve|lower|raise|reduce|change) your (dose|dosage)\b/,
    new RegExp(`\\b(deberias|debes|debe|deberia) (empezar|comenzar|tomar|dejar|aumentar|subir|bajar|reducir|cambiar|inyectarte)\\b.*\\b(${DRUG_WORDS_ES}|${drugs})`),
    new RegExp(`\\bte (recomiendo|receto|sugiero) (empezar|tomar|dejar|aumentar|usar)\\b.*\\b(${DRUG_WORDS_ES}|${drugs})`),
    /\b(aumenta|sube|baja|reduce|duplica) (la|tu) dosis\b|\bdeja de tomar\b/,
  ];
}

/** Following what was already prescribed is not a new prescription. */
const AS_PRESCRIBED = /\bas (prescribed|directed|written in your protocol)\b|\b(per|in|on) your (own )?protocol\b|\bcomo (te lo )?(indico|receto|prescribio)\b/;

export function prescribing(sentence: string, facts: GuardFacts): Finding | null {
  const text = normalize(sentence);
  if (DEFERS_TO_CLINICIAN.test(text) || AS_PRESCRIBED.test(text)) return null;
  const names = [...catalogNames(facts), ...facts.medications.map((medication) => medication.split(/\s+\d/)[0])];
  if (!prescribingPatterns(names).some((pattern) => pattern.test(text))) return null;
  return {
    check: 'compliance',
    rule: 'prescribing',
    detail: 'a medication or peptide change was advised',
    replacement: {
      en: 'Starting, stopping or changing a medication or peptide is a decision to make with your clinician.',
      es: 'Empezar, dejar o cambiar un medicamento o péptido es una decisión que debes tomar con tu médico.',
    },
  };
}

/** Doses: a number with a unit of amount, not a concentration ("95 mg/dL" is a lab value). */
const DOSE = /(\d+(?:[.,]\d+)?)\s?(mcg|µg|μg|ug|mg|iu|ui|units?|unidades)\b(?!\s*(\/|per (dl|l|ml|kg|day|dia)))/gi;

function unitOf(unit: string): string {
  return doseUnitOf(unit) ?? unit.toLowerCase();
}

/** Is this amount written in the patient's own protocol (an item with nothing unresolved) or medication list, for a thing this sentence names? */
function ownDose(sentence: string, amount: number, unit: string, facts: GuardFacts): boolean {
  const inProtocol = facts.protocolDoses.some((dose) => !dose.unresolved && dose.amount === amount && unitOf(dose.unit) === unit && mentionsPeptide(sentence, { name: dose.peptide }));
  if (inProtocol) return true;
  return facts.medications.some((medication) => {
    const match = /^(.*?)\s+(\d+(?:[.,]\d+)?)\s?([a-zµμ]+)/i.exec(medication);
    return match !== null && Number(match[2].replace(',', '.')) === amount && unitOf(match[3]) === unit && mentions(sentence, match[1].trim());
  });
}

/** The catalog peptide a dose at `offset` speaks of: the nearest one named before it, else the first named after it. */
function peptideOfDose(sentence: string, offset: number, facts: GuardFacts): PeptideRules | null {
  let before: { peptide: PeptideRules; at: number } | null = null;
  let after: { peptide: PeptideRules; at: number } | null = null;
  for (const peptide of facts.catalog) {
    for (const at of mentionOffsets(sentence, peptide)) {
      if (at < offset && (!before || at > before.at)) before = { peptide, at };
      if (at > offset && (!after || at < after.at)) after = { peptide, at };
    }
  }
  return before?.peptide ?? after?.peptide ?? null;
}

/** The dose is outside the catalog's per-administration range for that peptide (converted with UCUM). */
function outsideCatalogRange(amount: number, unit: string, peptide: PeptideRules | null): boolean {
  const from = doseUnitOf(unit);
  const dosing = peptide?.dosing;
  const to = dosing ? doseUnitOf(dosing.doseUnit) : null;
  const converted = from && to ? convertDose(amount, from, to) : null;
  return converted !== null && dosing !== null && dosing !== undefined && (converted > dosing.maxDose || converted < dosing.minDose);
}

export const dosing: SentenceCheck = (sentence, facts) => {
  for (const match of sentence.matchAll(DOSE)) {
    const amount = Number(match[1].replace(',', '.'));
    const unit = unitOf(match[2]);
    const peptide = peptideOfDose(sentence, match.index ?? 0, facts);
    // Out of the catalog's range: never said, even when the patient's own protocol holds it.
    if (peptide && outsideCatalogRange(amount, unit, peptide)) {
      const range = `${formatDose(peptide.dosing!.minDose, peptide.dosing!.doseUnit)}-${formatDose(peptide.dosing!.maxDose, peptide.dosing!.doseUnit)}`;
      return {
        check: 'compliance',
        rule: 'dose_out_of_range',
        detail: `a ${peptide.name} dose outside the catalog's range (${range})`,
        replacement: {
          en: `The ${peptide.name} dose on record is outside the range the Loop Health catalog allows, so I won't repeat it; please confirm your dose with your care team before the next one.`,
          es: `La dosis de ${peptide.name} registrada está fuera del rango que permite el catálogo de Loop Health, así que no la repetiré; confirma tu dosis con tu equipo de atención antes de la próxima.`,
        },
      };
    }
    if (!ownDose(sentence, amount, unit, facts)) {
      return {
        check: 'compliance',
        rule: 'dosing',
        detail: 'a dose outside the patient’s own protocol',
        replacement: {
          en: 'For doses, follow your own protocol as your clinician prescribed it, or ask them.',
          es: 'Para las dosis, sigue tu propio protocolo tal como lo indicó tu médico, o pregúntale.',
        },
      };
    }
  }
  return null;
};

/** Subjects after which an answer carries a disclaimer. */
const CLINICAL_TOPIC =
  /\b(labs?|lab results?|biomarkers?|results?|levels?|cholesterol|ldl|hdl|glucose|a1c|testosterone|thyroid|tsh|vitamin|ferritin|dose|doses|dosing|medications?|peptides?|protocol|symptoms?|side effects?|blood pressure|hrv|heart rate|sleep|analisis|resultados|dosis|medicamentos?|peptidos?|sintomas|protocolo)\b/;

export const DISCLAIMER = {
  en: 'This is general information, not medical advice; your clinician can tell you what it means for you.',
  es: 'Esto es información general, no consejo médico; tu médico puede explicarte qué significa para ti.',
};

/** Whether a finished answer needs the disclaimer appended. */
export function needsDisclaimer(answer: string): boolean {
  const text = normalize(answer);
  return CLINICAL_TOPIC.test(text) && !DEFERS_TO_CLINICIAN.test(text) && !/not medical advice|no (es )?consejo medico/.test(text);
}

export const COMPLIANCE_CHECKS: SentenceCheck[] = [diagnosis, prescribing, dosing];
