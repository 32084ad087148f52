// The offline model's reading of a question: which tools would answer it, with which
// arguments. Keyword rules, deterministic: the same question always plans the same calls.
import { normalize } from '../emergency';

export interface PlannedCall {
  name: string;
  input: Record<string, unknown>;
}

/** Words of a question that name biomarkers, as getLabResults filter terms. */
const BIOMARKER_TERMS: [RegExp, string[]][] = [
  [/\bldl\b/, ['LDL']],
  [/\bhdl\b/, ['HDL']],
  [/\bcholesterol|colesterol\b/, ['Cholesterol']],
  [/\btriglycerides?|trigliceridos\b/, ['Triglycerides']],
  [/\bvitamin(a)? d\b/, ['Vitamin D']],
  [/\b(a1c|hba1c|hemoglobin a1c)\b/, ['HBA1C']],
  [/\btestosterone?|testosterona\b/, ['Testosterone']],
  [/\bestradiol\b/, ['Estradiol']],
  [/\bferritin|ferritina\b/, ['Ferritin']],
  [/\biron|hierro\b/, ['Iron']],
  [/\b(thyroid|tiroides|tsh)\b/, ['TSH', 'Free T4', 'Free T3']],
  [/\bcrp\b|\binflammation\b/, ['CRP']],
  [/\binsulin(a)?\b/, ['Insulin']],
  [/\bb12\b/, ['B12']],
  [/\bcortisol\b/, ['Cortisol']],
  [/\bpsa\b/, ['PSA']],
];

const WEARABLE_TERMS: [RegExp, string[]][] = [
  [/\bsleep|slept|sueno|dormir\b/, ['SLEEP_SCORE', 'SLEEP_DURATION']],
  [/\bhrv\b|heart rate variability/, ['HRV_RMSSD']],
  [/\b(resting heart rate|heart rate|pulse|rhr|frecuencia cardiaca)\b/, ['RESTING_HR']],
  [/\bsteps?|pasos\b/, ['STEPS']],
  [/\brecovery\b/, ['RECOVERY_SCORE']],
  [/\breadiness\b/, ['READINESS_SCORE']],
  [/\bstrain\b/, ['STRAIN']],
  [/\b(cgm|glucose (spikes?|after)|spikes?|after (meals?|dinner|lunch|breakfast))\b/, ['GLUCOSE']],
  [/\b(spo2|oxygen|oxigeno)\b/, ['SPO2']],
];

const LABS = /\b(labs?|blood ?work|blood tests?|test results?|results|biomarkers?|analisis|resultados)\b/;
const WEARABLES = /\b(wearables?|oura|whoop|garmin|dexcom|ring|watch|trends?|tracker)\b/;
const PROTOCOLS = /\b(protocols?|protocolo|peptides?|peptidos?|doses?|dosing|dosis|stack|injections?|inyecciones?|regimen|my plan)\b/;
const PROFILE = /\b(medications?|meds|medicamentos|conditions?|diagnos[ei]s|allerg(y|ies|ic)|alergias?|my profile|about me|weight|height|bmi|peso|membership|my plan)\b/;
const CONTENT = /\b(what (is|are)|what's|tell me about|how does|how do|explain|faq|shipping|ship|delivery|refund|cancel|article|research|studies|que es|que son|envio)\b/;

const STOP_WORDS = new Set(
  'what is are the a an how does do tell me about explain can you please my your i of for and or to in on with does it this that work works que es son el la los las un una sobre como funciona de y o mi'.split(' '),
);

/** The subject of a "what is …" question, for searchContent. */
export function contentQuery(question: string): string {
  const text = normalize(question).replace(/[^a-z0-9\s+-]/g, ' ');
  const after = /\b(what (?:is|are)|what's|tell me about|explain|que es|que son|how does)\s+(.+)/.exec(text)?.[2] ?? text;
  const words = after.split(/\s+/).filter((word) => word && !STOP_WORDS.has(word));
  return (words.slice(0, 2).join(' ') || text.split(/\s+/).filter((word) => !STOP_WORDS.has(word))[0] || 'peptides').slice(0, 60);
}

export function planCalls(question: string): PlannedCall[] {
  const text = normalize(question);
  const calls: PlannedCall[] = [];
  const biomarkers = BIOMARKER_TERMS.filter(([pattern]) => pattern.test(text)).flatMap(([, terms]) => terms);
  const metrics = WEARABLE_TERMS.filter(([pattern]) => pattern.test(text)).flatMap(([, terms]) => terms);
  // "Glucose" alone is a lab value; with a CGM, meals or spikes it is the wearable's.
  if (/\bglucose|glucosa\b/.test(text) && !metrics.includes('GLUCOSE')) biomarkers.push('Glucose');
  if (biomarkers.length) calls.push({ name: 'getLabResults', input: { biomarkers } });
  else if (LABS.test(text)) calls.push({ name: 'getLabResults', input: { outOfRangeOnly: true } });
  if (metrics.length) calls.push({ name: 'getWearableInsights', input: { metrics, days: 14 } });
  else if (WEARABLES.test(text)) calls.push({ name: 'getWearableInsights', input: { days: 14 } });
  if (PROTOCOLS.test(text)) calls.push({ name: 'getProtocols', input: { status: 'ACTIVE' } });
  if (PROFILE.test(text)) calls.push({ name: 'getPatientProfile', input: {} });
  if (CONTENT.test(text) && calls.length === 0) calls.push({ name: 'searchContent', input: { query: contentQuery(question) } });
  // Nothing specific ("how am I doing?"): an overview.
  if (calls.length === 0) {
    calls.push({ name: 'getPatientProfile', input: {} }, { name: 'getLabResults', input: { outOfRangeOnly: true } }, { name: 'getWearableInsights', input: { days: 7 } });
  }
  return calls;
}
