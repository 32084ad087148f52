// The guardrails on Luna's answer, applied while it streams: text is held until a sentence is
// complete, each sentence is checked (compliance, business, safety) before anything of it is
// released, and a sentence that breaks a rule is rewritten. An answer that needs more than
// MAX_REWRITES rewrites is blocked: the rest is withheld and a safe reply stands in for it (a
// 'blocked' notice tells the client to replace what it has shown). At the end a disclaimer is
// appended where the subject calls for one. The guard is synchronous and pure: it returns what
// to release, the engine sends it.
import type { Language } from '../emergency';
import type { GuardrailRecord } from '../messages';
import { BUSINESS_CHECKS } from './business';
import { COMPLIANCE_CHECKS, DISCLAIMER, needsDisclaimer } from './compliance';
import type { GuardFacts } from './facts';
import type { Finding, GuardCheck, SentenceCheck } from './finding';
import { SAFETY_CHECKS } from './safety';

export const CHECKS: Record<GuardCheck, SentenceCheck[]> = { compliance: COMPLIANCE_CHECKS, business: BUSINESS_CHECKS, safety: SAFETY_CHECKS };
/** More rewrites than this and the answer as a whole is not trusted. */
export const MAX_REWRITES = 3;

export const BLOCKED_REPLY: Record<Language, string> = {
  en: "I'm not able to answer that safely. Your clinician or care team can help with this question.",
  es: 'No puedo responder a eso de forma segura. Tu médico o tu equipo de atención pueden ayudarte con esta pregunta.',
};

export type Release = { type: 'text'; text: string } | { type: 'notice'; check: GuardCheck; action: 'rewritten' | 'blocked'; detail: string };

/** Where a sentence ends: after . ! ? (or a line break) followed by white space. */
const SENTENCE_END = /([.!?…]+["')\]]*\s+|\n+)/;

export function checkSentence(sentence: string, facts: GuardFacts): Finding | null {
  for (const checks of Object.values(CHECKS)) {
    for (const check of checks) {
      const finding = check(sentence, facts);
      if (finding) return finding;
    }
  }
  return null;
}

export class AnswerGuard {
  private buffer = '';
  private released = '';
  private blocked = false;
  private disclaimed = false;
  private readonly findings: Finding[] = [];
  private readonly usedReplacements = new Set<string>();

  constructor(
    private readonly facts: GuardFacts,
    private readonly language: Language,
  ) {}

  /** More of the model's text: the complete sentences in it, checked. */
  push(text: string): Release[] {
    this.buffer += text;
    const out: Release[] = [];
    for (;;) {
      const end = SENTENCE_END.exec(this.buffer);
      if (!end) break;
      const cut = end.index + end[0].length;
      const piece = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut);
      out.push(...this.sentence(piece));
    }
    return out;
  }

  /** Forgets text not yet released (a failed model attempt's unfinished sentence). */
  discardPending(): void {
    this.buffer = '';
  }

  /** The end of one model message: whatever is left is a sentence too. */
  flush(): Release[] {
    const rest = this.buffer;
    this.buffer = '';
    return rest.trim() ? this.sentence(rest) : [];
  }

  /** The end of the answer: the safe reply if blocked, a disclaimer where needed. */
  finish(): Release[] {
    const out = this.flush();
    if (this.blocked) {
      this.released = BLOCKED_REPLY[this.language];
      out.push({ type: 'text', text: this.released });
      return out;
    }
    if (this.released.trim() && needsDisclaimer(this.released)) {
      const disclaimer = `${/\s$/.test(this.released) ? '' : this.released.trim() ? ' ' : ''}${DISCLAIMER[this.language]}`;
      this.released += disclaimer;
      this.disclaimed = true;
      out.push({ type: 'text', text: disclaimer });
    }
    return out;
  }

  /** The answer as released (what the user saw, and what is stored). */
  get content(): string {
    return this.released.trim();
  }

  get wasBlocked(): boolean {
    return this.blocked;
  }

  get interventions(): number {
    return this.findings.length;
  }

  /** What each check did, for the stored message: one entry per check that ran. */
  outcomes(): GuardrailRecord[] {
    return (Object.keys(CHECKS) as GuardCheck[]).map((check) => {
      const found = this.findings.filter((finding) => finding.check === check);
      const counts = new Map<string, number>();
      for (const finding of found) counts.set(finding.rule, (counts.get(finding.rule) ?? 0) + 1);
      const parts = [...counts].map(([rule, count]) => `${rule} ×${count}`);
      if (check === 'compliance' && this.disclaimed) parts.push('disclaimer appended');
      const action = found.length ? (this.blocked ? 'blocked' : 'rewritten') : check === 'compliance' && this.disclaimed ? 'appended' : 'passed';
      return { check, action, detail: parts.length ? parts.join('; ') : null };
    });
  }

  private sentence(piece: string): Release[] {
    if (this.blocked) return [];
    const finding = checkSentence(piece, this.facts);
    if (!finding) {
      this.released += piece;
      return [{ type: 'text', text: piece }];
    }
    this.findings.push(finding);
    if (this.findings.length > MAX_REWRITES) {
      this.blocked = true;
      return [{ type: 'notice', check: finding.check, action: 'blocked', detail: `${finding.rule}: ${finding.detail}; too many corrections, the answer was withheld` }];
    }
    const notice: Release = { type: 'notice', check: finding.check, action: 'rewritten', detail: `${finding.rule}: ${finding.detail}` };
    const replacement = finding.replacement[this.language];
    // The same correction twice reads badly: the second time the sentence is just left out.
    if (this.usedReplacements.has(replacement)) return [notice];
    this.usedReplacements.add(replacement);
    const text = replacement + (piece.match(/\s+$/)?.[0] ?? ' ');
    this.released += text;
    return [notice, { type: 'text', text }];
  }
}
