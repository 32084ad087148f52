// The guardrails on Luna's answers: each check catches what it should and lets through what
// it should, and the streaming guard never releases a violating sentence. The catalog's rules
// are the seed's (the data content owns), as the graph would serve them.
import { AnswerGuard, BLOCKED_REPLY, checkSentence, type Release } from '../guardrails';
import { DISCLAIMER } from '../guardrails/compliance';
import type { GuardFacts } from '../guardrails/facts';
import { seededRules } from '../../../test/support/clinical-rules';

const FACTS: GuardFacts = {
  catalog: ['bpc-157', 'tb-500', 'pt-141', 'semaglutide', 'cjc-1295', 'ipamorelin'].map(seededRules),
  patient: { sex: 'FEMALE', age: 44 },
  protocolDoses: [
    { peptide: 'BPC-157', amount: 250, unit: 'mcg', unresolved: false },
    { peptide: 'TB-500', amount: 2, unit: 'mg', unresolved: false },
  ],
  medications: ['Lisinopril 10 mg', 'Vitamin D3 2000 IU'],
  conditions: ['Hypertension', 'Hypothyroidism'],
  allergies: [],
};

const rule = (sentence: string, facts = FACTS) => {
  const finding = checkSentence(sentence, facts);
  return finding ? `${finding.check}.${finding.rule}` : null;
};

describe('guardrail checks, sentence by sentence', () => {
  it.each([
    ['Based on these numbers, you have type 2 diabetes.', 'compliance.diagnosis'],
    ['This means you have an iron deficiency.', 'compliance.diagnosis'],
    ["You're prediabetic.", 'compliance.diagnosis'],
    ['Con estos resultados tienes diabetes.', 'compliance.diagnosis'],
    ['You should start taking semaglutide next week.', 'compliance.prescribing'],
    ['I recommend that you stop taking Lisinopril.', 'compliance.prescribing'],
    ['Increase your dose if you feel nothing.', 'compliance.prescribing'],
    ['Deberías aumentar la dosis de tu medicamento.', 'compliance.prescribing'],
    ['Most people use 500 mcg of BPC-157 a day.', 'compliance.dosing'],
    ['TB-500 is often taken at 2.5 mg weekly.', 'compliance.dosing'],
    ['You could also look into MK-677 for sleep.', 'business.off_catalog'],
    ['You can buy it from an online vendor for less.', 'business.off_catalog'],
    ['Hims charges $199 a month for the same thing.', 'business.competitor_pricing'],
    ['PT-141 could help with libido.', 'safety.contraindication'],
    ['Bremelanotide could help with libido.', 'safety.contraindication'],
    ['TB-500 is sometimes taken at 90 mg twice weekly.', 'compliance.dose_out_of_range'],
    ['Ipamorelin 0.5 mg before bed is popular.', 'compliance.dose_out_of_range'],
  ])('%j → %s', (sentence, expected) => {
    expect(rule(sentence)).toBe(expected);
  });

  it.each([
    'Your LDL is 132 mg/dL, above the 100 mg/dL most labs mark as desirable.',
    'Your protocol has BPC-157 at 250 mcg daily and TB-500 2 mg twice weekly.',
    'Your medications include Lisinopril 10 mg and Vitamin D3 2000 IU.',
    'Since you have hypothyroidism, your clinician watches your TSH.',
    'Talk to your clinician about whether semaglutide fits your goals.',
    'Take your medication as prescribed.',
    'A 10-minute walk after meals helps flatten glucose spikes.',
    'BPC-157 is in the Loop Health catalog.',
    'Your membership is $149 a month.',
  ])('lets through %j', (sentence) => {
    expect(rule(sentence)).toBeNull();
  });

  it('allows a contraindicated peptide the patient’s own protocol already has with its findings overridden (the clinician weighed it), not one with an unresolved finding', () => {
    const onIt: GuardFacts = { ...FACTS, protocolDoses: [...FACTS.protocolDoses, { peptide: 'PT-141 (Bremelanotide)', amount: 1.75, unit: 'mg', unresolved: false }] };
    expect(rule('PT-141 could help with libido.', onIt)).toBeNull();
    expect(rule('PT-141 could help with libido.', { ...FACTS, conditions: [], medications: [] })).toBeNull();
    const unresolved: GuardFacts = { ...FACTS, protocolDoses: [...FACTS.protocolDoses, { peptide: 'PT-141 (Bremelanotide)', amount: 1.75, unit: 'mg', unresolved: true }] };
    expect(rule('PT-141 could help with libido.', unresolved)).toBe('safety.contraindication');
  });

  it("reads the catalog's contraindications for this patient: a condition, a medication, the patient's sex", () => {
    const plain: GuardFacts = { ...FACTS, conditions: [], medications: [] };
    expect(rule('Ipamorelin can deepen sleep.', plain)).toBeNull();
    expect(rule('Ipamorelin can deepen sleep.', { ...plain, conditions: ['Type 2 diabetes'] })).toBe('safety.contraindication');
    expect(rule('Semaglutide may suit you.', { ...plain, medications: ['Insulin glargine 20 units'] })).toBe('safety.contraindication');
    expect(rule('PT-141 could help with libido.', { ...plain, patient: { sex: 'MALE', age: 50 } })).toBe('safety.contraindication');
    // Without the patient's summary nothing is known of them: no rule can apply.
    expect(rule('Ipamorelin can deepen sleep.', { ...plain, patient: null, conditions: ['Type 2 diabetes'] })).toBeNull();
  });

  it("never states a dose outside the catalog's range, even the one the patient's own protocol holds", () => {
    const outOfRange: GuardFacts = { ...FACTS, protocolDoses: [{ peptide: 'BPC-157', amount: 5000, unit: 'mcg', unresolved: true }] };
    expect(rule('Your protocol has BPC-157 at 5000 mcg daily.', outOfRange)).toBe('compliance.dose_out_of_range');
    // The same amount in another unit is the same dose (UCUM): 5 mg of BPC-157 is 5000 mcg.
    expect(rule('Your protocol has BPC-157 at 5 mg daily.', outOfRange)).toBe('compliance.dose_out_of_range');
    // In range and in the protocol: said as prescribed ...
    expect(rule('Your protocol has BPC-157 at 250 mcg daily.')).toBeNull();
    // ... unless the item has an unresolved finding, or could not be checked: then it is not said either.
    const unchecked: GuardFacts = { ...FACTS, protocolDoses: [{ peptide: 'BPC-157', amount: 250, unit: 'mcg', unresolved: true }] };
    expect(rule('Your protocol has BPC-157 at 250 mcg daily.', unchecked)).toBe('compliance.dosing');
    // A dose belongs to the peptide named before it: 250 mcg is BPC-157's, 2 mg TB-500's.
    expect(rule('BPC-157 250 mcg daily and TB-500 2 mg twice weekly.')).toBeNull();
  });
});

const texts = (released: Release[]) => released.filter((item) => item.type === 'text').map((item) => (item as { text: string }).text).join('');
const notices = (released: Release[]) => released.filter((item) => item.type === 'notice');

/** Feeds an answer to a guard a few characters at a time, as a stream would. */
function stream(guard: AnswerGuard, answer: string, chunk = 7): Release[] {
  const out: Release[] = [];
  for (let i = 0; i < answer.length; i += chunk) out.push(...guard.push(answer.slice(i, i + chunk)));
  out.push(...guard.finish());
  return out;
}

describe('the streaming answer guard', () => {
  it('releases only whole, checked sentences and rewrites a violating one before any of it is sent', () => {
    const guard = new AnswerGuard(FACTS, 'en');
    const partial = guard.push('Your LDL is 132 mg/dL. You have type 2 dia');
    expect(texts(partial)).toBe('Your LDL is 132 mg/dL. ');
    const released = [...partial, ...guard.push('betes. Walking helps.'), ...guard.finish()];
    const shown = texts(released);
    expect(shown).not.toMatch(/type 2 diabetes/);
    expect(shown).toContain("I can't diagnose conditions");
    expect(shown).toContain('Walking helps.');
    expect(notices(released)).toEqual([{ type: 'notice', check: 'compliance', action: 'rewritten', detail: 'diagnosis: a diagnosis was stated' }]);
    expect(guard.content).toBe(shown.trim());
    expect(guard.outcomes()).toEqual([
      { check: 'compliance', action: 'rewritten', detail: 'diagnosis ×1' },
      { check: 'business', action: 'passed', detail: null },
      { check: 'safety', action: 'passed', detail: null },
    ]);
  });

  it('appends the disclaimer to a clinical answer that does not already defer to a clinician, and not to small talk', () => {
    const clinical = new AnswerGuard(FACTS, 'en');
    expect(texts(stream(clinical, 'Your vitamin D is 24 ng/mL, below 30.'))).toContain(DISCLAIMER.en);
    expect(clinical.outcomes()[0]).toEqual({ check: 'compliance', action: 'appended', detail: 'disclaimer appended' });
    const deferring = new AnswerGuard(FACTS, 'en');
    expect(texts(stream(deferring, 'Your vitamin D is 24 ng/mL; your clinician can suggest next steps.'))).not.toContain(DISCLAIMER.en);
    const chat = new AnswerGuard(FACTS, 'es');
    expect(texts(stream(chat, '¡Hola! ¿En qué te ayudo hoy?'))).toBe('¡Hola! ¿En qué te ayudo hoy?');
  });

  it('blocks an answer that needs more than three corrections, and says the text shown so far is withdrawn', () => {
    const guard = new AnswerGuard(FACTS, 'en');
    const released = stream(
      guard,
      'Your results look interesting. You have type 2 diabetes. You should start taking semaglutide. Use 500 mcg of BPC-157. Try MK-677 too. Hims has it for $99 a month.',
    );
    const shown = texts(released);
    expect(shown).not.toMatch(/MK-677|\$99|500 mcg/);
    expect(notices(released).map((notice) => (notice as { action: string }).action)).toEqual(['rewritten', 'rewritten', 'rewritten', 'blocked']);
    expect(guard.wasBlocked).toBe(true);
    expect(guard.content).toBe(BLOCKED_REPLY.en);
    expect(shown.endsWith(BLOCKED_REPLY.en)).toBe(true);
    expect(guard.outcomes().find((outcome) => outcome.check === 'compliance')).toMatchObject({ action: 'blocked' });
  });

  it('says a correction once: a second sentence breaking the same rule is left out', () => {
    const guard = new AnswerGuard(FACTS, 'en');
    const shown = texts(stream(guard, 'You have type 2 diabetes. You are diabetic. Sleep well.'));
    expect(shown.match(/can't diagnose/g)).toHaveLength(1);
    expect(shown).toContain('Sleep well.');
    expect(guard.interventions).toBe(2);
  });
});
