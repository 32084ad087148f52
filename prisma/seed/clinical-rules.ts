// The catalog's clinical rules for the demo: per peptide its dosing limits and contraindication
// rules, each with the public reference it comes from. Approved drugs follow their FDA (or
// national) labels; the others have no approved label, so their range is the clinic's protocol
// (the catalog's typical dose) and the reference says so. Content owns these rows
// (payload.peptide_dosing, payload.peptide_contraindications); admins and staff edit them in the graph.
import type { DosingLimits } from '../../shared/domain/clinical/rules';

/** In the shape the graph serves (shared/domain/clinical/rules.ts). */
export type DosingSeed = DosingLimits & { doseUnit: 'mcg' | 'mg' };

export interface ContraindicationSeed {
  conditions?: string[];
  medications?: string[];
  sexes?: ('FEMALE' | 'MALE')[];
  ageUnder?: number;
  pregnancy?: boolean;
  reason: string;
  source: string;
}

const WEGOVY = 'Wegovy (semaglutide) injection, US prescribing information (Novo Nordisk; FDA label rev. 2024)';
const ZEPBOUND = 'Zepbound (tirzepatide) injection, US prescribing information (Eli Lilly; FDA label 2023)';
const EGRIFTA = 'Egrifta SV (tesamorelin) for injection, US prescribing information (Theratechnologies; FDA label 2019)';
const VYLEESI = 'Vyleesi (bremelanotide) injection, US prescribing information (AMAG Pharmaceuticals; FDA label 2019)';
const ZADAXIN = 'Zadaxin (thymalfasin) product information (SciClone; approved outside the US)';
const FDA_CATEGORY_2 =
  'FDA, "Certain Bulk Drug Substances for Use in Compounding that May Present Significant Safety Risks" (Category 2 list, 2023-2024): no, or only limited, human safety data';
const CLINIC = (typical: string) => `Loop Health clinical protocol (typical ${typical}); no FDA-approved label`;

/** Every peptide: the clinic treats adults, and no peptide here has pediatric dosing. */
const ADULTS_ONLY: ContraindicationSeed = {
  ageUnder: 18,
  reason: 'Safety and effectiveness under 18 are not established; Loop Health treats adults only',
  source: 'Product labels, section 8.4 (pediatric use not established); Loop Health admission policy',
};
const NO_PREGNANCY_DATA: ContraindicationSeed = {
  pregnancy: true,
  reason: 'No human safety data in pregnancy or breastfeeding',
  source: `Loop Health clinical policy for unapproved peptides; ${FDA_CATEGORY_2}`,
};
const CANCER_TERMS = ['cancer', 'malignan', 'tumor', 'tumour', 'neoplasm', 'carcinoma', 'lymphoma', 'leukemia'];
const angiogenic = (source: string): ContraindicationSeed => ({
  conditions: CANCER_TERMS,
  reason: 'Promotes new blood-vessel growth and tissue remodelling (angiogenesis): avoided with active or past cancer',
  source,
});

const GLP1_RULES = (label: string): ContraindicationSeed[] => [
  {
    conditions: ['medullary thyroid', 'multiple endocrine neoplasia', 'men2', 'men 2'],
    reason: 'Boxed warning: risk of thyroid C-cell tumours; contraindicated with a personal or family history of medullary thyroid carcinoma or MEN 2',
    source: `${label}, boxed warning and section 4`,
  },
  { conditions: ['pancreatitis'], reason: 'Acute pancreatitis has been reported; not studied after pancreatitis', source: `${label}, section 5 (acute pancreatitis)` },
  { conditions: ['gastroparesis'], reason: 'Not recommended with severe gastrointestinal disease, including severe gastroparesis', source: `${label}, section 5 (severe gastrointestinal disease)` },
  { pregnancy: true, reason: 'May cause fetal harm; weight-management treatment is stopped when pregnancy is recognised', source: `${label}, section 8.1` },
  {
    medications: ['insulin', 'glipizide', 'glyburide', 'glimepiride', 'sulfonylurea'],
    reason: 'Higher risk of hypoglycaemia with insulin or a sulfonylurea: their dose may need lowering first',
    source: `${label}, sections 5 (hypoglycaemia) and 7`,
  },
];

const GH_SECRETAGOGUE_RULES = (source: string): ContraindicationSeed[] => [
  {
    conditions: CANCER_TERMS,
    reason: 'Raises growth hormone and IGF-1, which may promote tumour growth: contraindicated with active malignancy',
    source: `${EGRIFTA}, section 4 (class effect of GH-releasing peptides); ${source}`,
  },
  {
    conditions: ['diabetes'],
    reason: 'Raises blood glucose (glucose intolerance; diabetes may develop or worsen): not started with diabetes or prediabetes',
    source: `${EGRIFTA}, section 5.3 (glucose intolerance); Loop Health clinical policy for GH secretagogues`,
  },
  { pregnancy: true, reason: 'Contraindicated in pregnancy (no benefit, possible fetal harm)', source: `${EGRIFTA}, sections 4 and 8.1` },
];

export const CLINICAL_RULES: Record<string, { dosing: DosingSeed; contraindications: ContraindicationSeed[] }> = {
  'bpc-157': {
    dosing: { doseUnit: 'mcg', minDose: 100, maxDose: 500, maxDailyDose: 1000, routes: ['subcutaneous', 'oral'], frequencies: ['daily', '2x daily'], source: `${CLINIC('250-500 mcg once or twice daily')}; ${FDA_CATEGORY_2} (BPC-157, added 2023)` },
    contraindications: [angiogenic(`Loop Health clinical policy: angiogenic mechanism in animal studies (VEGFR2 signalling); ${FDA_CATEGORY_2}`), NO_PREGNANCY_DATA],
  },
  'tb-500': {
    dosing: { doseUnit: 'mg', minDose: 1, maxDose: 2.5, maxDailyDose: 2.5, routes: ['subcutaneous'], frequencies: ['weekly', '2x weekly'], source: `${CLINIC('2-2.5 mg twice weekly for 4-6 weeks, then weekly')}; ${FDA_CATEGORY_2}` },
    contraindications: [angiogenic('Loop Health clinical policy: thymosin beta-4 promotes angiogenesis and cell migration (animal and in-vitro studies)'), NO_PREGNANCY_DATA],
  },
  'cjc-1295': {
    dosing: {
      doseUnit: 'mcg',
      minDose: 50,
      maxDose: 300,
      maxDailyDose: 600,
      routes: ['subcutaneous'],
      frequencies: ['daily', '2x daily', '5x weekly'],
      source: `${CLINIC('100 mcg 1-2x daily, the form without DAC')}; human pharmacology: Teichman SL et al., J Clin Endocrinol Metab 2006;91(3):799-805`,
    },
    contraindications: GH_SECRETAGOGUE_RULES(FDA_CATEGORY_2),
  },
  ipamorelin: {
    dosing: { doseUnit: 'mcg', minDose: 100, maxDose: 300, maxDailyDose: 900, routes: ['subcutaneous'], frequencies: ['daily', '2x daily', '3x daily', '5x weekly'], source: `${CLINIC('100-300 mcg 1-3x daily')}; ${FDA_CATEGORY_2}` },
    contraindications: GH_SECRETAGOGUE_RULES(FDA_CATEGORY_2),
  },
  sermorelin: {
    dosing: {
      doseUnit: 'mcg',
      minDose: 100,
      maxDose: 500,
      maxDailyDose: 500,
      routes: ['subcutaneous'],
      frequencies: ['daily', '5x weekly'],
      source: 'Geref (sermorelin acetate) US label (Serono; FDA-approved 1997, withdrawn 2008 for commercial reasons); adult dosing per Loop Health clinical protocol (typical 200-300 mcg nightly)',
    },
    contraindications: GH_SECRETAGOGUE_RULES('Geref (sermorelin acetate) US label'),
  },
  tesamorelin: {
    dosing: { doseUnit: 'mg', minDose: 1, maxDose: 2, maxDailyDose: 2, routes: ['subcutaneous'], frequencies: ['daily'], source: `${EGRIFTA}, section 2 (2 mg once daily; Egrifta SV 1.4 mg once daily)` },
    contraindications: [
      ...GH_SECRETAGOGUE_RULES(EGRIFTA),
      {
        conditions: ['pituitary', 'hypothalamic', 'hypopituitarism', 'hypophysectomy'],
        reason: 'Contraindicated with a disrupted hypothalamic-pituitary axis (hypophysectomy, hypopituitarism, pituitary tumour or surgery, head irradiation or trauma)',
        source: `${EGRIFTA}, section 4`,
      },
    ],
  },
  'ghk-cu': {
    dosing: { doseUnit: 'mg', minDose: 0.5, maxDose: 2, maxDailyDose: 2, routes: ['subcutaneous', 'topical'], frequencies: ['daily', '5x weekly'], source: `${CLINIC('1-2 mg daily injectable, or a topical serum')}` },
    contraindications: [angiogenic('Pickart L, Margolina A. Regenerative and protective actions of the GHK-Cu peptide in the light of the new gene data. Int J Mol Sci 2018;19(7):1987'), NO_PREGNANCY_DATA],
  },
  semaglutide: {
    dosing: { doseUnit: 'mg', minDose: 0.25, maxDose: 2.4, maxDailyDose: 2.4, routes: ['subcutaneous'], frequencies: ['weekly'], source: `${WEGOVY}, section 2 (0.25 mg weekly, escalated every 4 weeks to 2.4 mg weekly)` },
    contraindications: GLP1_RULES(WEGOVY),
  },
  tirzepatide: {
    dosing: { doseUnit: 'mg', minDose: 2.5, maxDose: 15, maxDailyDose: 15, routes: ['subcutaneous'], frequencies: ['weekly'], source: `${ZEPBOUND}, section 2 (2.5 mg weekly, raised by 2.5 mg every 4 weeks, at most 15 mg weekly)` },
    contraindications: GLP1_RULES(ZEPBOUND),
  },
  'pt-141': {
    dosing: { doseUnit: 'mg', minDose: 1.75, maxDose: 1.75, maxDailyDose: 1.75, routes: ['subcutaneous'], frequencies: ['as needed'], source: `${VYLEESI}, section 2 (1.75 mg as needed; at most one dose in 24 hours and 8 doses a month)` },
    contraindications: [
      {
        conditions: ['hypertension', 'high blood pressure', 'heart disease', 'coronary', 'cardiovascular', 'heart failure'],
        reason: 'Transiently raises blood pressure: contraindicated with uncontrolled hypertension or known cardiovascular disease',
        source: `${VYLEESI}, sections 4 and 5.1`,
      },
      {
        medications: ['lisinopril', 'amlodipine', 'losartan', 'valsartan', 'metoprolol', 'atenolol', 'hydrochlorothiazide'],
        reason: 'Takes a blood-pressure medicine: blood pressure must be controlled, and checked, before bremelanotide',
        source: `${VYLEESI}, section 5.1 (transient increase in blood pressure)`,
      },
      { medications: ['naltrexone'], reason: 'Bremelanotide lowers naltrexone exposure: oral naltrexone for alcohol or opioid dependence may fail', source: `${VYLEESI}, section 7` },
      { sexes: ['MALE'], reason: 'Approved only for premenopausal women with hypoactive sexual desire disorder; use in men is off-label', source: `${VYLEESI}, section 1` },
    ],
  },
  selank: {
    dosing: { doseUnit: 'mcg', minDose: 150, maxDose: 500, maxDailyDose: 1500, routes: ['intranasal'], frequencies: ['daily', '2x daily', '3x daily'], source: CLINIC('250-500 mcg intranasally 1-3x daily') },
    contraindications: [NO_PREGNANCY_DATA],
  },
  semax: {
    dosing: { doseUnit: 'mcg', minDose: 100, maxDose: 600, maxDailyDose: 1200, routes: ['intranasal'], frequencies: ['daily', '2x daily'], source: CLINIC('200-600 mcg intranasally daily') },
    contraindications: [NO_PREGNANCY_DATA],
  },
  epitalon: {
    dosing: { doseUnit: 'mg', minDose: 1, maxDose: 10, maxDailyDose: 10, routes: ['subcutaneous'], frequencies: ['daily'], source: CLINIC('5-10 mg daily for 10-20 day cycles') },
    contraindications: [
      {
        conditions: CANCER_TERMS,
        reason: 'Reported to activate telomerase: avoided with active or past cancer',
        source: 'Khavinson VKh, Bondarev IE, Butyugov AA. Epithalon peptide induces telomerase activity and telomere elongation in human somatic cells. Bull Exp Biol Med 2003;135(6):590-2; Loop Health clinical policy',
      },
      NO_PREGNANCY_DATA,
    ],
  },
  'mots-c': {
    dosing: { doseUnit: 'mg', minDose: 1, maxDose: 5, maxDailyDose: 5, routes: ['subcutaneous'], frequencies: ['weekly', '2x weekly', '3x weekly'], source: CLINIC('5-10 mg weekly, split into 2-3 doses') },
    contraindications: [NO_PREGNANCY_DATA],
  },
  'aod-9604': {
    dosing: { doseUnit: 'mcg', minDose: 200, maxDose: 500, maxDailyDose: 500, routes: ['subcutaneous'], frequencies: ['daily', '5x weekly'], source: `${CLINIC('300 mcg daily')}; ${FDA_CATEGORY_2} (AOD-9604, added 2023)` },
    contraindications: [NO_PREGNANCY_DATA],
  },
  'thymosin-alpha-1': {
    dosing: { doseUnit: 'mg', minDose: 0.8, maxDose: 1.6, maxDailyDose: 1.6, routes: ['subcutaneous'], frequencies: ['2x weekly', '3x weekly'], source: `${ZADAXIN} (1.6 mg subcutaneously twice weekly)` },
    contraindications: [
      {
        conditions: ['transplant', 'lupus', 'psoriasis', 'autoimmune', 'rheumatoid', 'multiple sclerosis', 'crohn'],
        reason: 'Stimulates T-cell immunity: may worsen autoimmune disease or work against transplant immunosuppression',
        source: `${ZADAXIN} (contraindicated with deliberate immunosuppression, e.g. organ transplant)`,
      },
      {
        medications: ['tacrolimus', 'cyclosporine', 'mycophenolate', 'methotrexate', 'azathioprine'],
        reason: 'Takes an immunosuppressant: immune stimulation works against it',
        source: `${ZADAXIN}`,
      },
      NO_PREGNANCY_DATA,
    ],
  },
  kpv: {
    dosing: { doseUnit: 'mcg', minDose: 100, maxDose: 500, maxDailyDose: 1000, routes: ['oral', 'subcutaneous'], frequencies: ['daily', '2x daily'], source: CLINIC('200-500 mcg daily') },
    contraindications: [NO_PREGNANCY_DATA],
  },
  'll-37': {
    dosing: { doseUnit: 'mcg', minDose: 50, maxDose: 150, maxDailyDose: 150, routes: ['subcutaneous'], frequencies: ['daily'], source: CLINIC('100 mcg daily for short courses') },
    contraindications: [
      {
        conditions: ['transplant', 'lupus', 'psoriasis', 'autoimmune', 'rheumatoid'],
        reason: 'An immune modulator implicated in psoriasis and lupus: avoided with autoimmune disease or transplant immunosuppression',
        source: 'Loop Health clinical policy (LL-37 is overexpressed in psoriatic skin and drives autoimmune inflammation in lupus)',
      },
      NO_PREGNANCY_DATA,
    ],
  },
  dsip: {
    dosing: { doseUnit: 'mcg', minDose: 100, maxDose: 300, maxDailyDose: 300, routes: ['subcutaneous'], frequencies: ['daily'], source: CLINIC('100-300 mcg before bed') },
    contraindications: [
      {
        medications: ['zolpidem', 'eszopiclone', 'alprazolam', 'lorazepam', 'clonazepam', 'diazepam', 'benzodiazep', 'oxycodone', 'hydrocodone', 'morphine', 'opioid'],
        reason: 'Additive sedation with hypnotics, benzodiazepines or opioids',
        source: 'Loop Health clinical policy (central nervous system depressants)',
      },
      NO_PREGNANCY_DATA,
    ],
  },
  'nad-plus': {
    dosing: { doseUnit: 'mg', minDose: 25, maxDose: 200, maxDailyDose: 200, routes: ['subcutaneous', 'intramuscular'], frequencies: ['weekly', '2x weekly', '3x weekly'], source: CLINIC('50-100 mg subcutaneously 2-3x weekly') },
    contraindications: [NO_PREGNANCY_DATA],
  },
  'kisspeptin-10': {
    dosing: { doseUnit: 'mcg', minDose: 50, maxDose: 200, maxDailyDose: 200, routes: ['subcutaneous'], frequencies: ['2x weekly', '3x weekly'], source: `${CLINIC('100 mcg 2-3x weekly')}; human pharmacology: George JT et al., J Clin Endocrinol Metab 2011 (kisspeptin-10 in men)` },
    contraindications: [{ pregnancy: true, reason: 'Stimulates the reproductive hormone axis: not used in pregnancy', source: 'Loop Health clinical policy' }],
  },
  retatrutide: {
    dosing: { doseUnit: 'mg', minDose: 1, maxDose: 12, maxDailyDose: 12, routes: ['subcutaneous'], frequencies: ['weekly'], source: 'Investigational: Jastreboff AM et al., Triple-hormone-receptor agonist retatrutide for obesity, N Engl J Med 2023;389:514-526 (1-12 mg weekly)' },
    contraindications: GLP1_RULES('Class labelling of GLP-1 receptor agonists (e.g. Wegovy, Zepbound US prescribing information)'),
  },
  'ss-31': {
    dosing: { doseUnit: 'mg', minDose: 5, maxDose: 40, maxDailyDose: 40, routes: ['subcutaneous'], frequencies: ['daily'], source: 'Investigational (elamipretide): phase 3 trials used 40 mg subcutaneously daily; Loop Health clinical protocol' },
    contraindications: [NO_PREGNANCY_DATA],
  },
};

/** A peptide's contraindication rules, the adults-only rule first, every criterion spelled out. */
export function contraindicationsFor(slug: string) {
  return [ADULTS_ONLY, ...(CLINICAL_RULES[slug]?.contraindications ?? [])].map((rule) => ({
    conditions: rule.conditions ?? [],
    medications: rule.medications ?? [],
    sexes: rule.sexes ?? [],
    ageUnder: rule.ageUnder ?? null,
    ageOver: null,
    pregnancy: rule.pregnancy ?? false,
    reason: rule.reason,
    source: rule.source,
  }));
}
