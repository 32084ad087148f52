// Emergency detection: runs on every user message before any model call. Curated patterns in
// English and Spanish, each written around what a person in trouble says in the first person
// ("my throat is closing", "me duele el pecho"), with `unless` guards for the everyday phrases
// that share words with them ("chest day", "killing it at the gym", "risk of a heart attack").
// The test table in test/emergency.unit.test.ts holds the positive and negative examples.

export type EmergencyCategory =
  | 'suicidal_intent'
  | 'unresponsive'
  | 'anaphylaxis'
  | 'breathing'
  | 'chest_pain'
  | 'stroke'
  | 'overdose'
  | 'severe_hypoglycemia'
  | 'severe_bleeding';

export type EmergencySeverity = 'critical' | 'high';
export type Language = 'en' | 'es';

export interface EmergencyMatch {
  category: EmergencyCategory;
  severity: EmergencySeverity;
  language: Language;
  /** The words that matched, for the clinical record. */
  matched: string;
}

interface Rule {
  category: EmergencyCategory;
  severity: EmergencySeverity;
  language: Language;
  pattern: RegExp;
  /** The message is not this emergency when this also matches (a question about risk, a workout). */
  unless?: RegExp;
}

const rule = (category: EmergencyCategory, severity: EmergencySeverity, language: Language, pattern: RegExp, unless?: RegExp): Rule => ({
  category,
  severity,
  language,
  pattern,
  unless,
});

/** Lower case, no accents, one kind of apostrophe, single spaces: "Me duele el PECHO" → "me duele el pecho". */
export function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[¿¡]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const RISK_QUESTION_EN = /\b(risk|risks|chance|odds|prevent|prevention|history of|family history|had an?|years? ago|last year)\b/;
const RISK_QUESTION_ES = /\b(riesgo|prevenir|prevencion|antecedentes|historial|hace (\d+|unos?|varios) anos)\b/;

// In order of urgency: the first rule that matches names the emergency.
const RULES: Rule[] = [
  // ── suicidal intent and self-harm ──
  rule('suicidal_intent', 'critical', 'en', /\b(kill|killing|end|ending|take|taking) (myself|my (own )?life)\b/),
  rule('suicidal_intent', 'critical', 'en', /\b(suicide|suicidal|self[- ]harm(ing)?)\b/, /\bsuicide (squats?|sprints?|drills?|runs?|doors?)\b/),
  rule('suicidal_intent', 'critical', 'en', /\b(i )?(want|wanna|going|plan(ning)?|ready) to die\b|\bwish i (was|were) dead\b|\bbetter off dead\b/),
  rule('suicidal_intent', 'critical', 'en', /\b(don'?t|do not) want to (live|be alive|wake up|be here anymore)\b|\bno reason to (live|go on)\b/),
  rule('suicidal_intent', 'critical', 'en', /\b(hurt|harm|cut|cutting|hurting|harming) myself\b/),
  rule('suicidal_intent', 'critical', 'es', /\b(suicid(io|arme|arse|a)|quitarme la vida|acabar con mi vida|matarme|hacerme dano|lastimarme|cortarme las venas)\b/),
  rule('suicidal_intent', 'critical', 'es', /\b(me quiero morir|quiero morirme|quiero morir|no quiero (vivir|seguir viviendo|despertar)|mejor (estaria|estar) muert[oa])\b/),
  // ── not breathing, unconscious, seizure ──
  rule('unresponsive', 'critical', 'en', /\b(unconscious|unresponsive|not breathing|stopped breathing|having a seizure|is seizing|won'?t wake up)\b/),
  rule('unresponsive', 'critical', 'es', /\b(inconsciente|no respira|dejo de respirar|convulsion(es|ando)?|no despierta)\b/),
  // ── anaphylaxis ──
  rule('anaphylaxis', 'critical', 'en', /\b(anaphyla(xis|ctic)|throat (is |feels )?(closing|swelling|swollen|tight(ening)?)|(tongue|lips?) (is |are )?(swelling|swollen))\b/, /\b(epi-?pen prescription|what is anaphylaxis|history of anaphyla)/),
  rule('anaphylaxis', 'critical', 'es', /\b(anafilaxia|anafilactic[oa]|(se me )?(esta )?cerrando la garganta|se me cierra la garganta|garganta (cerrada|hinchada)|(lengua|labios) hinchad[oa]s?)\b/),
  // ── trouble breathing ──
  rule('breathing', 'critical', 'en', /\b(can'?t|cannot|can not|struggling to|hard to|trouble|difficulty) breath(e|ing)\b|\bgasping for (air|breath)\b/, /\bthrough my nose\b|\bwhen i (run|exercise|sprint)\b/),
  rule('breathing', 'critical', 'es', /\b(no puedo|me cuesta|dificultad para) respirar\b|\bme falta el aire\b|\bme ahogo\b/, /\bpor la nariz\b/),
  // ── chest pain, heart attack ──
  rule('chest_pain', 'critical', 'en', /\b(chest (pain|pains|tightness|pressure)|pain in (my|the) chest|chest (hurts|is (tight|hurting|heavy|burning))|crushing (pain|pressure) in (my )?chest)\b/, /\b(had|years? ago|last (year|month)) chest pain\b/),
  rule('chest_pain', 'critical', 'en', /\b(having|have) a heart attack\b|\bpain (spreading|radiating|going|shooting) (to|down|into) (my )?(left )?(arm|jaw|neck)\b/, RISK_QUESTION_EN),
  rule('chest_pain', 'critical', 'es', /\b((dolor|presion|opresion) (en el|de|del) pecho|me duele (mucho )?el pecho|(infarto|ataque al corazon|ataque cardiaco))\b/, RISK_QUESTION_ES),
  // ── stroke ──
  rule('stroke', 'critical', 'en', /\b(having a stroke|(face|mouth|smile) (is )?(drooping|droops|crooked|lopsided)|slurred speech|(speech|words) (is |are )?slurr(ed|ing)|slurring (my )?(words|speech))\b/),
  rule('stroke', 'critical', 'en', /\b(suddenly can'?t (speak|talk|see|move)|(numb|numbness|weak|weakness) (on|in|down) (one|my (left|right)) side|sudden (numbness|weakness|confusion|severe headache|loss of (vision|balance))|worst headache of my life)\b/),
  rule('stroke', 'critical', 'es', /\b(derrame cerebral|ictus|teniendo un derrame|(cara|boca) (caida|torcida|adormecida)|hablo arrastrando|(entumecimiento|debilidad) (de|en) un lado|el peor dolor de cabeza de mi vida)\b/, RISK_QUESTION_ES),
  // ── overdose, poisoning ──
  rule('overdose', 'critical', 'en', /\b(overdos(e|ed|ing)|od'?d)\b/, /\bcan (you|i|one|someone|people) (overdose|od)\b|\b(overdose|od) risk\b|\brisk of (an )?overdos/),
  rule('overdose', 'critical', 'en', /\btook (way )?too (many|much) (of )?(my )?(pills|tablets|meds|medications?|insulin|doses?)\b|\b(swallowed|took) (a|the) (whole|entire) bottle\b|\binjected (way )?too much\b|\baccidentally (took|injected) (a )?(double|triple|\d+x|ten times)\b/),
  rule('overdose', 'critical', 'es', /\bsobredosis\b/, /\b(se puede|puedo|puede|riesgo de) (tener |hacer |sufrir )?(una )?sobredosis\b/),
  rule('overdose', 'critical', 'es', /\b(me )?(tome|inyecte) (demasiad[oa]s?|todas las pastillas|un frasco entero|el frasco entero)\b/),
  // ── severe hypoglycemia ──
  rule('severe_hypoglycemia', 'high', 'en', /\b(severe(ly)? low blood sugar|low (blood )?sugar (and|with) (confus|faint|seiz|pass|can'?t)\w*|(passing out|fainting|seizure) (from|with|because of) (low )?(blood )?sugar|severe hypoglyc\w*)/),
  rule('severe_hypoglycemia', 'high', 'es', /\b((azucar|glucosa) (esta )?muy baja|hipoglucemia (severa|grave)|me desmayo por (el )?azucar)\b/),
  // ── bleeding ──
  rule('severe_bleeding', 'high', 'en', /\b(won'?t stop bleeding|bleeding (heavily|a lot|won'?t stop)|vomiting blood|coughing up blood)\b/),
  rule('severe_bleeding', 'high', 'es', /\b(sangrado (abundante|que no para)|no para de sangrar|vomitando sangre|tosiendo sangre)\b/),
];

// A glucose reading low enough to be dangerous: under 54 mg/dL (3.0 mmol/L), the
// threshold of clinically significant (level 2) hypoglycemia.
const GLUCOSE_READING = /\b(blood sugar|glucose|sugar|bg|glucosa|azucar)\b[^.\d]{0,25}?(\d{1,3}(?:[.,]\d)?)\s*(mg ?\/ ?dl|mmol ?\/ ?l)?/g;
const SPANISH_GLUCOSE = /\b(glucosa|azucar)\b/;

function lowGlucose(text: string): EmergencyMatch | null {
  for (const match of text.matchAll(GLUCOSE_READING)) {
    const value = Number(match[2].replace(',', '.'));
    const unit = match[3]?.replace(/\s/g, '');
    const dangerous = unit?.startsWith('mmol') ? value < 3.0 : unit ? value < 54 : value >= 20 && value < 54;
    const veryLow = unit?.startsWith('mmol') ? value < 2.2 : value < 40;
    if (dangerous) return { category: 'severe_hypoglycemia', severity: veryLow ? 'critical' : 'high', language: SPANISH_GLUCOSE.test(match[1]) ? 'es' : 'en', matched: match[0] };
  }
  return null;
}

export function detectEmergency(message: string): EmergencyMatch | null {
  const text = normalize(message);
  for (const candidate of RULES) {
    const match = candidate.pattern.exec(text);
    if (match && !candidate.unless?.test(text)) return { category: candidate.category, severity: candidate.severity, language: candidate.language, matched: match[0] };
  }
  return lowGlucose(text);
}
