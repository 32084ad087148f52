// What a turn knows before the model is called: a short summary of the patient (through the
// supergraph, with the user's token, like the tools), the catalog with its clinical rules (the
// content subgraph's, through the graph, cached per process), and the conversation's recent
// messages within a token budget.
import type { CatalogRulesReader } from '../../../shared/domain/clinical/catalog-rules';
import type { PeptideRules } from '../../../shared/domain/clinical/rules';
import type { Prisma } from '../../../shared/db/database';
import type { Language } from '../emergency';
import type { GuardFacts } from '../guardrails/facts';
import type { ModelMessage } from '../model/provider';
import type { PatientProfile } from '../../../shared/tools/patient-summary';
import type { GraphClient } from '../../../shared/graphql/gateway-client';

export const PATIENT_SUMMARY_QUERY = `query LunaPatientSummary($id: ID!) {
  patient(id: $id) {
    firstName age sex timezone conditions medications allergies
    protocols { name status items { id doseAmount doseUnit frequency peptide { id name } findings(unresolvedOnly: true) { rule message limit value } } }
  }
}`;

export interface UnresolvedFinding {
  rule: string;
  message: string;
  limit: string | null;
  value: string | null;
}

export interface SummaryItem {
  id: string;
  doseAmount: number;
  doseUnit: string;
  frequency: string;
  peptide: { id: string; name: string } | null;
  /** Null when the catalog could not be read (the summary still comes). */
  findings: UnresolvedFinding[] | null;
}

/** The profile fields the summary keeps (those Luna's patient-profile tool reads), plus the protocols. */
export interface PatientSummary extends Pick<PatientProfile, 'firstName' | 'age' | 'sex' | 'timezone' | 'conditions' | 'medications' | 'allergies'> {
  protocols: { name: string; status: string; items: SummaryItem[] }[] | null;
}

export async function patientSummary(graph: GraphClient, patientId: string): Promise<PatientSummary | null> {
  const data = await graph.request<{ patient: PatientSummary | null }>('LunaPatientSummary', PATIENT_SUMMARY_QUERY, { id: patientId });
  return data.patient;
}

/** The catalog with its rules: every published peptide, and the peptides of the patient's protocols (a draft one too). */
export async function catalogRules(reader: CatalogRulesReader, summary: PatientSummary | null): Promise<PeptideRules[]> {
  const published = await reader.allPublished();
  const known = new Set(published.map((peptide) => peptide.peptideId));
  const inProtocols = (summary?.protocols ?? []).flatMap((protocol) => protocol.items.flatMap((item) => (item.peptide && !known.has(item.peptide.id) ? [item.peptide.id] : [])));
  return inProtocols.length ? [...published, ...(await reader.forPeptides(inProtocols)).values()] : published;
}

const unresolved = (item: SummaryItem) => (item.findings?.length ?? 0) > 0;
/** A dose is said only when the catalog's checks could run and found nothing unresolved (fail closed when they could not). */
const withheld = (item: SummaryItem) => item.findings === null || unresolved(item);

export function guardFacts(summary: PatientSummary | null, catalog: PeptideRules[]): GuardFacts {
  return {
    catalog,
    patient: summary ? { sex: summary.sex as 'FEMALE' | 'MALE', age: summary.age } : null,
    protocolDoses: (summary?.protocols ?? []).flatMap((protocol) =>
      protocol.items.filter((item) => item.peptide).map((item) => ({ peptide: item.peptide!.name, amount: item.doseAmount, unit: item.doseUnit, unresolved: withheld(item) })),
    ),
    medications: summary?.medications ?? [],
    conditions: summary?.conditions ?? [],
    allergies: summary?.allergies ?? [],
  };
}

/** Items of the patient's current protocols (not completed ones) with a finding no provider has overridden. */
export function itemsWithUnresolvedFindings(summary: PatientSummary | null): { protocol: string; item: SummaryItem }[] {
  return (summary?.protocols ?? [])
    .filter((protocol) => protocol.status !== 'COMPLETED')
    .flatMap((protocol) => protocol.items.filter(unresolved).map((item) => ({ protocol: protocol.name, item })));
}

/** Roughly four characters a token: enough to keep a request's size in bounds. */
export const estimateTokens = (text: string) => Math.ceil(text.length / 4);
/** The most messages looked at for the history, however short they are. */
const HISTORY_WINDOW = 40;

/**
 * The conversation's completed messages before this turn, newest kept first until the budget is
 * spent, in the order the Messages API wants: alternating roles, starting with the user.
 */
/** A user message as the model reads it: it must not take a care team member's words for the patient's own. */
export function userText(content: string, authorRole: string | null): string {
  return authorRole && authorRole !== 'customer' ? `[written by the patient's care team (${authorRole})] ${content}` : content;
}

export async function recentHistory(prisma: Prisma, conversationId: string, exclude: string[], tokenBudget: number): Promise<ModelMessage[]> {
  const rows = await prisma.chatMessage.findMany({
    where: { conversationId, status: 'COMPLETE', id: { notIn: exclude } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: HISTORY_WINDOW,
    select: { role: true, content: true, authorRole: true },
  });
  const kept: ModelMessage[] = [];
  let spent = 0;
  for (const row of rows) {
    spent += estimateTokens(row.content);
    if (spent > tokenBudget) break;
    kept.unshift(row.role === 'USER' ? { role: 'user', content: userText(row.content, row.authorRole) } : { role: 'assistant', content: row.content });
  }
  const merged: ModelMessage[] = [];
  for (const message of kept) {
    const last = merged[merged.length - 1];
    if (last && last.role === message.role) last.content = `${last.content}\n\n${message.content}`;
    else merged.push({ ...message });
  }
  while (merged.length && merged[0].role !== 'user') merged.shift();
  // The turn's own question follows as a user message: the history must end with Luna.
  while (merged.length && merged[merged.length - 1].role !== 'assistant') merged.pop();
  return merged;
}

/** An item as the model reads it: a dose with an unresolved finding is withheld, never handed to the model to repeat. */
function itemLine(item: SummaryItem): string {
  const name = item.peptide?.name ?? 'peptide';
  return withheld(item) ? `${name} (dose under review by the care team: do not state a dose)` : `${name} ${item.doseAmount} ${item.doseUnit} ${item.frequency}`;
}

export function summaryLine(summary: PatientSummary | null): string {
  if (!summary) return 'The patient summary is unavailable; use the tools.';
  const active = (summary.protocols ?? []).filter((protocol) => protocol.status === 'ACTIVE');
  return [
    `${summary.firstName}, ${summary.age}, ${summary.sex.toLowerCase()}, time zone ${summary.timezone}.`,
    `Conditions: ${summary.conditions.join(', ') || 'none recorded'}.`,
    `Medications: ${summary.medications.join(', ') || 'none recorded'}.`,
    `Allergies: ${summary.allergies.join(', ') || 'none recorded'}.`,
    `Active protocols: ${active.map((protocol) => `${protocol.name} (${protocol.items.map(itemLine).join(', ')})`).join('; ') || 'none'}.`,
  ].join(' ');
}

export function systemPrompt(summary: PatientSummary | null, language: Language, today = new Date()): string {
  return [
    "You are Luna, Loop Health's health assistant. You help a member understand their own labs, peptide protocols and wearable data, and Loop Health's published content.",
    `Today is ${today.toISOString().slice(0, 10)}. The member: ${summaryLine(summary)}`,
    'Use the tools to look up the member’s data instead of guessing; you may call at most 5 tools per answer. Tools default to this member: leave patientId out.',
    'Rules: you do not diagnose and you do not prescribe, start, stop or change medications or peptides; mention a dose only exactly as written in the member’s own protocol; speak only about products in the Loop Health catalog and never quote other companies’ prices; do not suggest anything the member’s conditions or medications make unsafe. When something is for a clinician to decide, say so.',
    'If something sounds urgent, tell them to call their local emergency number.',
    `Answer in ${language === 'es' ? 'Spanish' : 'English'}, warmly and briefly (under 200 words), in plain sentences.`,
  ].join('\n');
}
