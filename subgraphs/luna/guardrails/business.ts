// Business: Luna speaks of what Loop Health sells (its catalog) and does not quote other
// companies' prices.
import { normalize } from '../emergency';
import { catalogNames, mentions } from './facts';
import type { SentenceCheck } from './finding';

/** Compounds people ask about that Loop Health does not sell (research chemicals, SARMs, unapproved peptides). */
export const OFF_CATALOG = [
  'MK-677', 'ibutamoren', 'GHRP-2', 'GHRP-6', 'hexarelin', 'melanotan', 'melanotan II', 'IGF-1 LR3', 'follistatin', 'cerebrolysin', 'dihexa',
  'SARMs', 'ostarine', 'RAD-140', 'LGD-4033', 'cardarine', 'GW-501516', 'clenbuterol', 'DNP', 'tesofensine', 'cagrilintide', 'orforglipron',
  'mazdutide', 'survodutide', 'HGH Frag 176-191',
];

/** Buying from somewhere other than Loop Health. */
const ELSEWHERE =
  /\b(buy|order|purchase|get|source|find) (it|them|this|these|some|\w+) (from|on|at|through) (amazon|ebay|alibaba|aliexpress|a (research|peptide|chemical|compounding) (vendor|supplier|company|site|pharmacy)|an? online (vendor|supplier|store|shop|pharmacy)|research chemical)/;

const COMPETITORS =
  /\b(hims|hers|noom|found health|calibrate|henry meds|ivim|mochi health|lifemd|sesame|goodrx|costco|walgreens|cvs|walmart|amazon pharmacy|ro\.co|roman health|other (clinics|providers|telehealth (companies|services)|companies|pharmacies|vendors)|competitors?|elsewhere|cheaper (at|from|with|elsewhere)|otras (clinicas|farmacias|empresas)|la competencia|mas barato en)\b/;
const PRICE = /([$€£]\s?\d)|(\d+(?:[.,]\d+)?\s?(usd|dollars?|dolares|euros?|eur|\/\s?(mo|month|mes)|per (month|week|vial|dose)|al mes|a month))/;

export const offCatalog: SentenceCheck = (sentence, facts) => {
  const named = OFF_CATALOG.find((name) => mentions(sentence, name) && !catalogNames(facts).some((item) => mentions(item, name)));
  if (!named && !ELSEWHERE.test(normalize(sentence))) return null;
  return {
    check: 'business',
    rule: 'off_catalog',
    detail: named ? `a product outside the catalog (${named})` : 'buying outside Loop Health',
    replacement: {
      en: 'I can only speak to products in the Loop Health catalog; your care team can tell you what fits your plan.',
      es: 'Solo puedo hablar de productos del catálogo de Loop Health; tu equipo de atención puede decirte qué encaja en tu plan.',
    },
  };
};

export const competitorPricing: SentenceCheck = (sentence) => {
  const text = normalize(sentence);
  if (!PRICE.test(text) || !COMPETITORS.test(text)) return null;
  return {
    check: 'business',
    rule: 'competitor_pricing',
    detail: 'another company’s price',
    replacement: {
      en: "I can't compare prices with other companies; our care team can answer questions about your membership and pricing.",
      es: 'No puedo comparar precios con otras empresas; nuestro equipo puede resolver tus dudas sobre tu membresía y precios.',
    },
  };
};

export const BUSINESS_CHECKS: SentenceCheck[] = [offCatalog, competitorPricing];
