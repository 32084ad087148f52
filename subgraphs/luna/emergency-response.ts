// What Luna answers instead of calling the model when a message signals an emergency: the
// local emergency number and, for a crisis, the crisis line, in the message's language. The
// numbers follow the patient's time zone (the US when it is unknown: the service is US-based).
import type { EmergencyCategory, EmergencyMatch, Language } from './emergency';

export interface EmergencyContacts {
  emergencyNumber: string;
  crisisLine: string | null;
  poisonControl: string | null;
}

const US: EmergencyContacts = { emergencyNumber: '911', crisisLine: '988', poisonControl: '1-800-222-1222' };
const BY_ZONE: Record<string, EmergencyContacts> = {
  'Europe/London': { emergencyNumber: '999', crisisLine: '116 123', poisonControl: '111' },
  'Europe/Berlin': { emergencyNumber: '112', crisisLine: '0800 111 0 111', poisonControl: null },
  'Europe/Madrid': { emergencyNumber: '112', crisisLine: '024', poisonControl: '91 562 04 20' },
  'America/Mexico_City': { emergencyNumber: '911', crisisLine: '800 911 2000', poisonControl: null },
};

export function contactsFor(timezone: string | null | undefined): EmergencyContacts {
  if (timezone && BY_ZONE[timezone]) return BY_ZONE[timezone];
  if (!timezone || timezone.startsWith('America/') || timezone.startsWith('US/') || timezone === 'Pacific/Honolulu') return US;
  // Elsewhere: 112 reaches emergency services from any mobile phone in Europe and many other countries.
  return { emergencyNumber: '112', crisisLine: null, poisonControl: null };
}

const WHAT: Record<Language, Record<EmergencyCategory, string>> = {
  en: {
    suicidal_intent: '',
    unresponsive: 'Someone who is unconscious, not breathing or having a seizure needs emergency help now.',
    anaphylaxis: 'Swelling of the throat, tongue or lips can be a severe allergic reaction (anaphylaxis). If you have an epinephrine auto-injector, use it now.',
    breathing: 'Trouble breathing can be a medical emergency.',
    chest_pain: 'Chest pain or pressure can be a sign of a heart attack.',
    stroke: 'These can be signs of a stroke. Note the time the symptoms started: it matters for treatment.',
    overdose: 'Taking too much of a medicine can be dangerous even if you feel fine right now.',
    severe_hypoglycemia: 'A blood sugar this low is dangerous. If you can swallow safely, take 15-20 g of fast-acting sugar now (juice, regular soda or glucose tablets) and recheck in 15 minutes.',
    severe_bleeding: 'Press firmly on the wound with a clean cloth and keep pressing.',
  },
  es: {
    suicidal_intent: '',
    unresponsive: 'Una persona inconsciente, que no respira o que está convulsionando necesita ayuda de emergencia ya.',
    anaphylaxis: 'La hinchazón de garganta, lengua o labios puede ser una reacción alérgica grave (anafilaxia). Si tienes un autoinyector de epinefrina, úsalo ahora.',
    breathing: 'La dificultad para respirar puede ser una emergencia médica.',
    chest_pain: 'El dolor o la presión en el pecho pueden ser señal de un infarto.',
    stroke: 'Pueden ser señales de un derrame cerebral (ictus). Anota la hora en que empezaron los síntomas: importa para el tratamiento.',
    overdose: 'Tomar demasiado de un medicamento puede ser peligroso aunque ahora te sientas bien.',
    severe_hypoglycemia: 'Un azúcar tan bajo es peligroso. Si puedes tragar sin problema, toma ahora 15-20 g de azúcar rápido (jugo, refresco normal o tabletas de glucosa) y vuelve a medir en 15 minutos.',
    severe_bleeding: 'Presiona con firmeza la herida con un paño limpio y no dejes de presionar.',
  },
};

export function emergencyResponse(match: EmergencyMatch, contacts: EmergencyContacts): string {
  const { emergencyNumber: call, crisisLine, poisonControl } = contacts;
  if (match.language === 'es') {
    if (match.category === 'suicidal_intent') {
      return [
        'Siento mucho que estés pasando por esto, y gracias por decírmelo. Mereces apoyo ahora mismo.',
        `Si estás en peligro o podrías hacerte daño, llama ya al ${call}.`,
        crisisLine ? `También puedes llamar a la línea de crisis al ${crisisLine} en cualquier momento para hablar con alguien.` : 'También puedes llamar a una línea local de prevención del suicidio para hablar con alguien.',
        'Si puedes, busca a alguien de confianza y quédate con esa persona. Soy un asistente de IA y no puedo ayudarte en una crisis; he avisado a tu equipo de atención.',
      ].join(' ');
    }
    return [
      'Esto puede ser una emergencia médica.',
      WHAT.es[match.category],
      `Llama ya al ${call} o pide a alguien que te lleve a urgencias; no esperes a ver si se pasa y no conduzcas.`,
      match.category === 'overdose' && poisonControl ? `También puedes llamar a Información Toxicológica al ${poisonControl}.` : '',
      'Soy un asistente de IA y no puedo valorar emergencias; he avisado a tu equipo de atención.',
    ]
      .filter(Boolean)
      .join(' ');
  }
  if (match.category === 'suicidal_intent') {
    return [
      "I'm really sorry you're going through this, and I'm glad you told me. You deserve support right now.",
      `If you are in danger or might act on these thoughts, call ${call} now.`,
      crisisLine ? `You can also call or text ${crisisLine} (the crisis line) any time to talk with someone.` : 'You can also call a local crisis line any time to talk with someone.',
      "If you can, reach out to someone you trust and stay with them. I'm an AI assistant and can't help in a crisis; your care team has been notified.",
    ].join(' ');
  }
  return [
    'This could be a medical emergency.',
    WHAT.en[match.category],
    `Call ${call} now, or have someone take you to the nearest emergency department. Don't wait to see if it passes, and don't drive yourself.`,
    match.category === 'overdose' && poisonControl ? `You can also call Poison Control at ${poisonControl}.` : '',
    "I'm an AI assistant and can't assess emergencies; your care team has been notified.",
  ]
    .filter(Boolean)
    .join(' ');
}
