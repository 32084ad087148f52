// Emergency detection: a table of messages that must (and must not) be treated as an
// emergency, in English and Spanish. A false negative sends someone in danger to the model;
// a false positive answers "chest day" with an ambulance.
import { detectEmergency, type EmergencyCategory } from '../emergency';
import { contactsFor, emergencyResponse } from '../emergency-response';

const POSITIVE: [string, EmergencyCategory][] = [
  ['I want to kill myself', 'suicidal_intent'],
  ["I've been thinking about ending my life", 'suicidal_intent'],
  ["honestly I'd be better off dead", 'suicidal_intent'],
  ["I don't want to be alive anymore", 'suicidal_intent'],
  ['I keep wanting to hurt myself', 'suicidal_intent'],
  ['Estoy pensando en suicidarme', 'suicidal_intent'],
  ['Quiero quitarme la vida', 'suicidal_intent'],
  ['ya no quiero vivir más', 'suicidal_intent'],
  ['I have crushing chest pain and my left arm feels numb', 'chest_pain'],
  ['I think I’m having a heart attack', 'chest_pain'],
  ['My chest hurts and I feel sweaty', 'chest_pain'],
  ['Me duele mucho el pecho', 'chest_pain'],
  ['Siento presión en el pecho desde hace una hora', 'chest_pain'],
  ['My face is drooping and my speech is slurred', 'stroke'],
  ['Sudden weakness on one side of my body', 'stroke'],
  ['worst headache of my life, came on out of nowhere', 'stroke'],
  ['Creo que es un derrame cerebral, tengo la cara caída', 'stroke'],
  ['My throat is closing after I ate peanuts', 'anaphylaxis'],
  ['my lips are swelling up after the injection', 'anaphylaxis'],
  ['Se me está cerrando la garganta', 'anaphylaxis'],
  ["I can't breathe", 'breathing'],
  ['no puedo respirar bien', 'breathing'],
  ['my blood sugar is 42 and I am shaking', 'severe_hypoglycemia'],
  ['glucose 2.4 mmol/L and I feel confused', 'severe_hypoglycemia'],
  ['tengo la glucosa en 38, estoy mareado', 'severe_hypoglycemia'],
  ['mi azúcar está muy baja y estoy temblando', 'severe_hypoglycemia'],
  ['I took too many pills', 'overdose'],
  ['I think I overdosed on my insulin', 'overdose'],
  ['Creo que tomé una sobredosis de insulina', 'overdose'],
  ['me tomé todas las pastillas', 'overdose'],
  ['my husband is unconscious and not breathing', 'unresponsive'],
  ['mi madre está inconsciente', 'unresponsive'],
  ["the cut won't stop bleeding", 'severe_bleeding'],
];

const NEGATIVE = [
  'My chest workout left me sore today',
  'chest day tomorrow, any peptide tips?',
  'Killing it at the gym this week!',
  'This HIIT class is killing me',
  'What is my risk of a heart attack with this LDL?',
  'My dad had a heart attack years ago; should I check ApoB?',
  'How can I improve my stroke volume for running?',
  'Can you overdose on vitamin D?',
  'My CGM shows 170 after dinner. Is that normal?',
  'Is a fasting glucose of 95 mg/dL good?',
  "I can't talk right now, I'll message later",
  "I'm dying to try the new recovery stack",
  "I can't breathe through my nose when I sleep",
  'Is an HRV of 35 ms low?',
  'My LDL came back at 132. Is that bad?',
  'Mi rutina de pecho en el gimnasio me dejó cansado',
  '¿Se puede tener sobredosis de vitamina D?',
  '¿Cuál es mi riesgo de infarto con este colesterol?',
  'Me muero de ganas de empezar el protocolo',
  'My swimming stroke needs work',
];

describe('emergency detection', () => {
  it.each(POSITIVE)('flags %j as %s', (message, category) => {
    expect(detectEmergency(message)?.category).toBe(category);
  });

  it.each(NEGATIVE)('does not flag %j', (message) => {
    expect(detectEmergency(message)).toBeNull();
  });

  it('answers in the message’s language with the local numbers of the patient’s time zone', () => {
    const us = emergencyResponse(detectEmergency('I want to kill myself')!, contactsFor('America/Chicago'));
    expect(us).toContain('911');
    expect(us).toContain('988');
    const spanish = emergencyResponse(detectEmergency('Quiero quitarme la vida')!, contactsFor('Europe/Madrid'));
    expect(spanish).toContain('112');
    expect(spanish).toContain('024');
    expect(spanish).toMatch(/llama/i);
    const london = emergencyResponse(detectEmergency('my throat is closing')!, contactsFor('Europe/London'));
    expect(london).toContain('999');
    expect(london).toMatch(/epinephrine/);
    // Unknown: the US numbers (the service is US-based).
    expect(contactsFor(null).emergencyNumber).toBe('911');
  });

  it('grades severity: a very low glucose is critical, a low one high', () => {
    expect(detectEmergency('my glucose is 35')).toMatchObject({ category: 'severe_hypoglycemia', severity: 'critical' });
    expect(detectEmergency('my glucose is 50')).toMatchObject({ category: 'severe_hypoglycemia', severity: 'high' });
    expect(detectEmergency('I have chest pain')).toMatchObject({ severity: 'critical' });
  });
});
