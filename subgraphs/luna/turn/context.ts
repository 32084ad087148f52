// What a turn knows before the model is called: a short summary of the patient and the
// catalog (through the supergraph, with the user's token, like the tools), and the
// conversation's recent messages within a token budget.
import type { Prisma } from '../../../shared/db/database';
import type { Language } from '../emergency';
import type { GuardFacts } from '../guardrails/facts';
import type { ModelMessage } from '../model/provider';
import type { GraphClient } from '../tools/graph-client';

export const PATIENT_SUMMARY_QUERY = `query LunaPatientSummary($id: ID!) {
  patient(id: $id) {
    firstName age sex timezone conditions medications allergies
    protocols { name status items { doseAmount doseUnit frequency peptide { name } } }
  }
}`;

const CATALOG_QUERY = `query LunaCatalog { peptides(first: 100) { edges { node { name } } } }`;
/** The catalog changes rarely: one lookup per process per this long. */
const CATALOG_TTL_MS = 5 * 60_000;

export interface PatientSummary {
  firstName: string;
  age: number;
  sex: string;
  timezone: string;
  conditions: string[];
  medications: string[];
  allergies: string[];
  protocols: { name: string; status: string; items: { doseAmount: number; doseUnit: string; frequency: string; peptide: { name: string } | null }[] }[] | null;
}

export async function patientSummary(graph: GraphClient, patientId: string): Promise<PatientSummary | null> {
  const data = await graph.request<{ patient: PatientSummary | null }>('LunaPatientSummary', PATIENT_SUMMARY_QUERY, { id: patientId });
  return data.patient;
}

let catalogCache: { names: string[]; until: number } | null = null;

export async function catalogNames(graph: GraphClient): Promise<string[]> {
  if (catalogCache && catalogCache.until > Date.now()) return catalogCache.names;
  const data = await graph.request<{ peptides: { edges: { node: { name: string } }[] } }>('LunaCatalog', CATALOG_QUERY);
  const names = data.peptides.edges.map((edge) => edge.node.name);
  catalogCache = { names, until: Date.now() + CATALOG_TTL_MS };
  return names;
}

export function guardFacts(summary: PatientSummary | null, catalog: string[]): GuardFacts {
  return {
    catalog,
    protocolDoses: (summary?.protocols ?? []).flatMap((protocol) =>
      protocol.items.filter((item) => item.peptide).map((item) => ({ peptide: item.peptide!.name, amount: item.doseAmount, unit: item.doseUnit })),
    ),
    medications: summary?.medications ?? [],
    conditions: summary?.conditions ?? [],
    allergies: summary?.allergies ?? [],
  };
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

export function summaryLine(summary: PatientSummary | null): string {
  if (!summary) return 'The patient summary is unavailable; use the tools.';
  const active = (summary.protocols ?? []).filter((protocol) => protocol.status === 'ACTIVE');
  return [
    `${summary.firstName}, ${summary.age}, ${summary.sex.toLowerCase()}, time zone ${summary.timezone}.`,
    `Conditions: ${summary.conditions.join(', ') || 'none recorded'}.`,
    `Medications: ${summary.medications.join(', ') || 'none recorded'}.`,
    `Allergies: ${summary.allergies.join(', ') || 'none recorded'}.`,
    `Active protocols: ${active.map((protocol) => `${protocol.name} (${protocol.items.map((item) => `${item.peptide?.name ?? 'peptide'} ${item.doseAmount} ${item.doseUnit} ${item.frequency}`).join(', ')})`).join('; ') || 'none'}.`,
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
