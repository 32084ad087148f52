// Which language a message is in, as far as Luna's fixed texts go: Spanish or English.
import type { Language } from './emergency';
import { normalize } from './emergency';

const SPANISH = new Set(['el', 'la', 'los', 'las', 'que', 'de', 'mi', 'me', 'estoy', 'tengo', 'es', 'por', 'para', 'con', 'muy', 'como', 'pero', 'mis', 'una', 'un', 'del', 'se', 'lo', 'esta', 'hola', 'puedo', 'quiero', 'cual', 'cuando', 'donde', 'porque', 'si', 'y', 'mas', 'sobre', 'tiene', 'debo']);
const ENGLISH = new Set(['the', 'a', 'an', 'is', 'are', 'my', 'i', 'to', 'of', 'and', 'what', 'how', 'should', 'can', 'do', 'does', 'it', 'in', 'for', 'with', 'on', 'me', 'you', 'was', 'be', 'have', 'has', 'why', 'when', 'this', 'that', 'about']);

export function languageOf(text: string): Language {
  let spanish = 0;
  let english = 0;
  for (const word of normalize(text).split(/[^a-zñ]+/)) {
    if (SPANISH.has(word)) spanish++;
    if (ENGLISH.has(word)) english++;
  }
  return spanish > english ? 'es' : 'en';
}
