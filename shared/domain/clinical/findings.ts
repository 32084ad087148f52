// Clinical decision support for peptide doses, as EHR medication orders do it: each item of a
// protocol is checked against its peptide's catalog rules (unit converted with UCUM, dose per
// administration within range, frequency and route allowed, the day's total within the maximum)
// and against the patient (conditions, medications, sex, age, pregnancy). A finding names its
// rule, the limit, the value and the source, so a client can show it and a provider can
// override exactly it. Pure functions: the callers fetch the rules and the facts.
import { convertDose, doseUnitOf, formatDose, type DoseUnit } from './dose-units';
import { frequencyOf } from './frequencies';
import type { ContraindicationRule, PatientClinicalFacts, PeptideRules } from './rules';

export const CLINICAL_RULES = [
  'NO_DOSING_RANGE',
  'DOSE_UNIT_INCOMPATIBLE',
  'DOSE_BELOW_MINIMUM',
  'DOSE_ABOVE_MAXIMUM',
  'DAILY_DOSE_ABOVE_MAXIMUM',
  'FREQUENCY_NOT_ALLOWED',
  'ROUTE_NOT_ALLOWED',
  'CONTRAINDICATED_CONDITION',
  'CONTRAINDICATED_MEDICATION',
  'CONTRAINDICATED_SEX',
  'CONTRAINDICATED_AGE',
  'CONTRAINDICATED_PREGNANCY',
] as const;
export type ClinicalRule = (typeof CLINICAL_RULES)[number];

/**
 * A dose in a unit that cannot be related to the catalog's cannot be checked at all: it is
 * written again in a comparable unit, never overridden.
 */
const NOT_OVERRIDABLE = new Set<ClinicalRule>(['DOSE_UNIT_INCOMPATIBLE']);

export interface ClinicalFinding {
  /** Index of the item among those checked together (a protocol's items). */
  item: number;
  peptideId: string;
  peptide: string;
  rule: ClinicalRule;
  message: string;
  limit: string | null;
  value: string | null;
  source: string | null;
  overridable: boolean;
}

export interface ItemToCheck {
  peptideId: string;
  doseAmount: number;
  doseUnit: string;
  frequency: string;
  route: string;
}

/** What makes two findings the same finding: an override covers exactly what the provider saw. */
export const findingKey = (finding: Pick<ClinicalFinding, 'rule' | 'limit' | 'value'>) => `${finding.rule}|${finding.limit ?? ''}|${finding.value ?? ''}`;

function finding(item: number, rules: PeptideRules, rule: ClinicalRule, message: string, limit: string | null, value: string | null, source: string | null): ClinicalFinding {
  return { item, peptideId: rules.peptideId, peptide: rules.name, rule, message: `${rules.name}: ${message}`, limit, value, source, overridable: !NOT_OVERRIDABLE.has(rule) };
}

/** The dose of an item in its peptide's catalog unit; null when it cannot be converted. */
export function doseInCatalogUnit(item: Pick<ItemToCheck, 'doseAmount' | 'doseUnit'>, rules: PeptideRules): number | null {
  const from = doseUnitOf(item.doseUnit);
  const to = rules.dosing ? doseUnitOf(rules.dosing.doseUnit) : null;
  return from && to ? convertDose(item.doseAmount, from as DoseUnit, to as DoseUnit) : null;
}

function doseFindings(index: number, item: ItemToCheck, rules: PeptideRules): ClinicalFinding[] {
  const dosing = rules.dosing;
  if (!dosing) return [finding(index, rules, 'NO_DOSING_RANGE', 'the catalog has no dosing range for it, so the dose cannot be checked', null, formatDose(item.doseAmount, item.doseUnit), null)];
  const out: ClinicalFinding[] = [];
  const written = formatDose(item.doseAmount, item.doseUnit);
  const amount = doseInCatalogUnit(item, rules);
  const inCatalogUnit = amount === null || dosing.doseUnit === item.doseUnit ? written : `${written} (${formatDose(amount, dosing.doseUnit)})`;
  if (amount === null) {
    out.push(finding(index, rules, 'DOSE_UNIT_INCOMPATIBLE', `a dose in ${item.doseUnit} cannot be compared with the catalog's range in ${dosing.doseUnit}`, dosing.doseUnit, item.doseUnit, dosing.source));
  } else if (amount > dosing.maxDose) {
    out.push(finding(index, rules, 'DOSE_ABOVE_MAXIMUM', `${inCatalogUnit} per dose is above the catalog's maximum of ${formatDose(dosing.maxDose, dosing.doseUnit)}`, formatDose(dosing.maxDose, dosing.doseUnit), written, dosing.source));
  } else if (amount < dosing.minDose) {
    out.push(finding(index, rules, 'DOSE_BELOW_MINIMUM', `${inCatalogUnit} per dose is below the catalog's minimum of ${formatDose(dosing.minDose, dosing.doseUnit)}`, formatDose(dosing.minDose, dosing.doseUnit), written, dosing.source));
  }
  const frequency = frequencyOf(item.frequency);
  if (!frequency || !dosing.frequencies.includes(frequency.key)) {
    out.push(finding(index, rules, 'FREQUENCY_NOT_ALLOWED', `"${item.frequency}" is not among the catalog's frequencies (${dosing.frequencies.join(', ')})`, dosing.frequencies.join(', '), frequency?.key ?? item.frequency, dosing.source));
  }
  if (!dosing.routes.includes(item.route)) {
    out.push(finding(index, rules, 'ROUTE_NOT_ALLOWED', `the ${item.route} route is not among the catalog's routes (${dosing.routes.join(', ')})`, dosing.routes.join(', '), item.route, dosing.source));
  }
  return out;
}

/** Each item's administrations on a dosing day times its dose, summed per peptide: one finding on the last item of a peptide over its maximum. */
function dailyTotalFindings(items: readonly ItemToCheck[], rulesOf: (peptideId: string) => PeptideRules | undefined): ClinicalFinding[] {
  const totals = new Map<string, { total: number; last: number }>();
  items.forEach((item, index) => {
    const rules = rulesOf(item.peptideId);
    const amount = rules ? doseInCatalogUnit(item, rules) : null;
    if (amount === null) return;
    const perDay = frequencyOf(item.frequency)?.perDay ?? 1;
    const entry = totals.get(item.peptideId) ?? { total: 0, last: index };
    totals.set(item.peptideId, { total: entry.total + amount * perDay, last: index });
  });
  const out: ClinicalFinding[] = [];
  for (const [peptideId, { total, last }] of totals) {
    const rules = rulesOf(peptideId)!;
    const dosing = rules.dosing!;
    if (total > dosing.maxDailyDose) {
      out.push(
        finding(last, rules, 'DAILY_DOSE_ABOVE_MAXIMUM', `${formatDose(total, dosing.doseUnit)} a day is above the catalog's daily maximum of ${formatDose(dosing.maxDailyDose, dosing.doseUnit)}`, formatDose(dosing.maxDailyDose, dosing.doseUnit), formatDose(total, dosing.doseUnit), dosing.source),
      );
    }
  }
  return out;
}

const normalize = (text: string) => text.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, ' ').trim();
const PREGNANT = /pregnan|breastfeed|breast-feed|lactat/;

function matches(recorded: readonly string[], terms: readonly string[]): { term: string; value: string }[] {
  const out: { term: string; value: string }[] = [];
  for (const value of recorded) {
    const term = terms.find((t) => t.trim() && normalize(value).includes(normalize(t)));
    if (term) out.push({ term, value });
  }
  return out;
}

/** Why a contraindication rule applies to this patient: one entry per criterion that matches. */
export function contraindicationMatches(rule: ContraindicationRule, patient: PatientClinicalFacts): { rule: ClinicalRule; limit: string; value: string }[] {
  const out: { rule: ClinicalRule; limit: string; value: string }[] = [];
  const conditions = matches(patient.conditions, rule.conditions);
  if (conditions.length) out.push({ rule: 'CONTRAINDICATED_CONDITION', limit: conditions.map((m) => m.term).join(', '), value: conditions.map((m) => m.value).join(', ') });
  const medications = matches(patient.medications, rule.medications);
  if (medications.length) out.push({ rule: 'CONTRAINDICATED_MEDICATION', limit: medications.map((m) => m.term).join(', '), value: medications.map((m) => m.value).join(', ') });
  if (rule.sexes.includes(patient.sex)) out.push({ rule: 'CONTRAINDICATED_SEX', limit: `not for ${rule.sexes.join(', ').toLowerCase()} patients`, value: patient.sex.toLowerCase() });
  if (rule.ageUnder !== null && patient.age < rule.ageUnder) out.push({ rule: 'CONTRAINDICATED_AGE', limit: `age ${rule.ageUnder} or older`, value: `age ${patient.age}` });
  if (rule.ageOver !== null && patient.age > rule.ageOver) out.push({ rule: 'CONTRAINDICATED_AGE', limit: `age ${rule.ageOver} or younger`, value: `age ${patient.age}` });
  if (rule.pregnancy && patient.sex === 'FEMALE') {
    const pregnant = patient.conditions.filter((condition) => PREGNANT.test(normalize(condition)));
    if (pregnant.length) out.push({ rule: 'CONTRAINDICATED_PREGNANCY', limit: 'not in pregnancy or breastfeeding', value: pregnant.join(', ') });
  }
  return out;
}

function contraindicationFindings(index: number, rules: PeptideRules, patient: PatientClinicalFacts): ClinicalFinding[] {
  return rules.contraindications.flatMap((rule) =>
    contraindicationMatches(rule, patient).map((match) => finding(index, rules, match.rule, `contraindicated (${match.value}): ${rule.reason}`, match.limit, match.value, rule.source)),
  );
}

/**
 * Every finding of items checked together (a protocol's items: their daily totals add up).
 * `rulesOf` must know every item's peptide; `patient` null skips the patient's checks.
 */
export function clinicalFindings(items: readonly ItemToCheck[], rulesOf: (peptideId: string) => PeptideRules | undefined, patient: PatientClinicalFacts | null): ClinicalFinding[] {
  const out: ClinicalFinding[] = [];
  items.forEach((item, index) => {
    const rules = rulesOf(item.peptideId);
    if (!rules) return;
    out.push(...doseFindings(index, item, rules));
    if (patient) out.push(...contraindicationFindings(index, rules, patient));
  });
  out.push(...dailyTotalFindings(items, rulesOf));
  return out.sort((a, b) => a.item - b.item);
}
