// The pure parts of the clinical checks, without the stack: the frequency vocabulary, UCUM dose
// conversion, the findings of an item against a peptide's rules and a patient, the seeded catalog
// being consistent with itself (every seeded dose passes its own rules, every rule has a source),
// and the labs README's critical-values table being the code's.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CLINICAL_RULES } from '../prisma/seed/clinical-rules';
import { PEPTIDES } from '../prisma/seed/content';
import { convertDose, doseUnitOf } from '../shared/domain/clinical/dose-units';
import { clinicalFindings, contraindicationMatches, findingKey } from '../shared/domain/clinical/findings';
import { FREQUENCY_KEYS, frequencyOf } from '../shared/domain/clinical/frequencies';
import type { PatientClinicalFacts } from '../shared/domain/clinical/rules';
import { criticalLimitsMarkdown, criticalReadings } from '../subgraphs/labs/critical-values';
import { seededRules } from './support/clinical-rules';

const ADULT: PatientClinicalFacts = { sex: 'FEMALE', age: 40, conditions: [], medications: [] };
const check = (items: { slug: string; doseAmount: number; doseUnit: string; frequency: string; route?: string }[], patient: PatientClinicalFacts | null = ADULT) =>
  clinicalFindings(
    items.map((item) => ({ peptideId: item.slug, doseAmount: item.doseAmount, doseUnit: item.doseUnit, frequency: item.frequency, route: item.route ?? 'subcutaneous' })),
    (id) => (CLINICAL_RULES[id] ? seededRules(id) : undefined),
    patient,
  );

describe('the frequency vocabulary', () => {
  it.each([
    ['daily', 'daily', 1],
    ['Nightly', 'daily', 1],
    ['once daily', 'daily', 1],
    ['twice daily', '2x daily', 2],
    ['BID', '2x daily', 2],
    ['3 times per day', '3x daily', 3],
    ['every other day', 'every other day', 1],
    ['weekly', 'weekly', 1],
    ['twice weekly', '2x weekly', 1],
    ['2x/week', '2x weekly', 1],
    ['5x weekly', '5x weekly', 1],
    ['7x weekly', 'daily', 1],
    ['as needed', 'as needed', 1],
    ['daily with dinner', 'daily', 1],
    ['daily, fasting', 'daily', 1],
  ])('reads %j as %s (%i a dosing day)', (written, key, perDay) => {
    expect(frequencyOf(written)).toEqual({ key, perDay });
  });

  it.each(['every full moon', '', '9x daily', 'sometimes'])('reads %j as nothing', (written) => {
    expect(frequencyOf(written)).toBeNull();
  });
});

describe('dose units through UCUM', () => {
  it('converts mass to mass and nothing else', () => {
    expect(convertDose(0.3, 'mg', 'mcg')).toBe(300);
    expect(convertDose(90_000, 'mg', 'mcg')).toBe(90_000_000);
    expect(convertDose(2500, 'mcg', 'mg')).toBe(2.5);
    expect(convertDose(1, 'g', 'mg')).toBe(1000);
    expect(convertDose(200, 'IU', 'mcg')).toBeNull();
    expect(convertDose(1, 'mL', 'mg')).toBeNull();
    expect(convertDose(10, 'units', 'IU')).toBeNull();
  });

  it('reads the spellings people write', () => {
    expect(['µg', 'ug', 'MCG', 'mg', 'iu', 'Units', 'ml', 'cups'].map(doseUnitOf)).toEqual(['mcg', 'mcg', 'mcg', 'mg', 'IU', 'units', 'mL', null]);
  });
});

describe('the findings of protocol items', () => {
  it('finds 90,000 mg of Ipamorelin above the per-dose and daily maximums, in the catalog unit', () => {
    const findings = check([{ slug: 'ipamorelin', doseAmount: 90_000, doseUnit: 'mg', frequency: 'daily' }]);
    expect(findings.map((f) => [f.rule, f.limit, f.value])).toEqual([
      ['DOSE_ABOVE_MAXIMUM', '300 mcg', '90000 mg'],
      ['DAILY_DOSE_ABOVE_MAXIMUM', '900 mcg', '90000000 mcg'],
    ]);
    expect(findings.every((f) => f.source && f.overridable)).toBe(true);
  });

  it('adds up doses of one peptide across items and administrations per day', () => {
    expect(check([{ slug: 'bpc-157', doseAmount: 500, doseUnit: 'mcg', frequency: 'twice daily' }])).toEqual([]);
    const twice = check([
      { slug: 'bpc-157', doseAmount: 500, doseUnit: 'mcg', frequency: 'twice daily' },
      { slug: 'bpc-157', doseAmount: 0.1, doseUnit: 'mg', frequency: 'daily' },
    ]);
    expect(twice.map((f) => [f.item, f.rule, f.value])).toEqual([[1, 'DAILY_DOSE_ABOVE_MAXIMUM', '1100 mcg']]);
  });

  it('matches contraindications to the patient: conditions and medications by term, sex, age, pregnancy', () => {
    const rule = seededRules('semaglutide').contraindications;
    const findingsFor = (patient: Partial<PatientClinicalFacts>) =>
      rule.flatMap((r) => contraindicationMatches(r, { ...ADULT, ...patient })).map((m) => [m.rule, m.value]);
    expect(findingsFor({})).toEqual([]);
    expect(findingsFor({ conditions: ['Type 2 diabetes'] })).toEqual([]);
    expect(findingsFor({ conditions: ['History of Medullary Thyroid carcinoma'] })).toEqual([['CONTRAINDICATED_CONDITION', 'History of Medullary Thyroid carcinoma']]);
    expect(findingsFor({ medications: ['Insulin glargine 20 units'] })).toEqual([['CONTRAINDICATED_MEDICATION', 'Insulin glargine 20 units']]);
    expect(findingsFor({ conditions: ['Pregnancy (12 weeks)'] })).toEqual([['CONTRAINDICATED_PREGNANCY', 'Pregnancy (12 weeks)']]);
    expect(findingsFor({ sex: 'MALE', conditions: ['Pregnancy'] })).toEqual([]);
    expect(findingsFor({ age: 16 })).toEqual([['CONTRAINDICATED_AGE', 'age 16']]);
    const pt141 = seededRules('pt-141').contraindications;
    expect(pt141.flatMap((r) => contraindicationMatches(r, { ...ADULT, sex: 'MALE' })).map((m) => m.rule)).toEqual(['CONTRAINDICATED_SEX']);
  });

  it('identifies a finding by rule, limit and value: what an override covers', () => {
    const [finding] = check([{ slug: 'ipamorelin', doseAmount: 400, doseUnit: 'mcg', frequency: 'daily' }]);
    expect(findingKey(finding)).toBe('DOSE_ABOVE_MAXIMUM|300 mcg|400 mcg');
    const [raised] = check([{ slug: 'ipamorelin', doseAmount: 500, doseUnit: 'mcg', frequency: 'daily' }]);
    expect(findingKey(raised)).not.toBe(findingKey(finding));
  });
});

describe('the seeded catalog', () => {
  it('has dosing limits and contraindication rules, with sources, for every peptide', () => {
    for (const peptide of PEPTIDES) {
      const rules = seededRules(peptide.slug);
      expect([peptide.slug, rules.dosing!.source.length > 20]).toEqual([peptide.slug, true]);
      expect(rules.dosing!.frequencies.every((key) => (FREQUENCY_KEYS as readonly string[]).includes(key))).toBe(true);
      expect(rules.dosing!.minDose <= rules.dosing!.maxDose && rules.dosing!.maxDose <= rules.dosing!.maxDailyDose).toBe(true);
      for (const rule of rules.contraindications) expect(rule.source.length).toBeGreaterThan(10);
    }
  });

  it("puts each peptide's own default dose within its own range", () => {
    for (const peptide of PEPTIDES) {
      const { dosing } = peptide;
      const findings = check([{ slug: peptide.slug, doseAmount: dosing.amount, doseUnit: dosing.unit, frequency: dosing.frequency, route: dosing.route }], null);
      expect([peptide.slug, findings.map((f) => f.message)]).toEqual([peptide.slug, []]);
    }
  });
});

describe('critical values in labs', () => {
  it('calls in critical results of the listed analytes only', () => {
    const readings = [
      { code: 'POTASSIUM', value: 6.8, unit: 'mmol/L', status: 'CRITICAL_HIGH' as const },
      { code: 'LDL_C', value: 450, unit: 'mg/dL', status: 'CRITICAL_HIGH' as const },
      { code: 'GLUCOSE', value: 120, unit: 'mg/dL', status: 'HIGH' as const },
      { code: null, value: 3, unit: null, status: 'UNKNOWN' as const },
    ];
    expect(criticalReadings(readings).map((r) => r.code)).toEqual(['POTASSIUM']);
  });

  it("documents the table in subgraphs/labs/README.md exactly as the code has it", () => {
    const readme = readFileSync(path.join(__dirname, '../subgraphs/labs/README.md'), 'utf8');
    const documented = /<!-- critical-limits:start -->\n([\s\S]*?)\n<!-- critical-limits:end -->/.exec(readme)?.[1];
    expect(documented).toBe(criticalLimitsMarkdown());
  });
});
