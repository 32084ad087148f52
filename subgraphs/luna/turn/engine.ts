// One Luna turn, start to end, in the background (no request waits for it):
//   emergency detection (an emergency raises a care alert with the reply) → the patient's
//   summary (a protocol item with an unresolved clinical finding raises a care alert) and
//   recent history → the model, streaming through the guardrails, with at most
//   MAX_TOOL_CALLS_PER_TURN tool calls → the reply stored with its tool calls and guardrail
//   outcomes → a clinical interaction logged → done.
// Any failure stores the reply as FAILED and ends the stream with an error event; the user's
// message was stored before the turn began.
import { createHash } from 'node:crypto';
import { careAlertsRaised, raiseCareAlert, type CareAlertRequest } from '../../../shared/domain/care-alerts';
import type { CatalogRulesReader } from '../../../shared/domain/clinical/catalog-rules';
import type { Prisma } from '../../../shared/db/database';
import type { Logger } from '../../../shared/logger';
import type { PubSub } from '../../../shared/pubsub';
import type { JobQueue } from '../../../shared/queue/jobs';
import { MAX_TOOL_CALLS_PER_TURN, type LunaConfig } from '../config';
import { detectEmergency, type EmergencyMatch, type Language } from '../emergency';
import { contactsFor, emergencyResponse } from '../emergency-response';
import { AnswerGuard, type Release } from '../guardrails';
import { languageOf } from '../language';
import type { GuardrailRecord, ToolCallRecord } from '../messages';
import type { ContentBlock, ModelMessage, ModelProvider } from '../model/provider';
import { GraphClient } from '../../../shared/graphql/gateway-client';
import { LUNA_TOOLS, runTool, summarizeArguments } from '../tools';
import { catalogRules, guardFacts, itemsWithUnresolvedFindings, patientSummary, recentHistory, systemPrompt, userText, type PatientSummary } from './context';
import { TurnEvents } from './events';
import { describeFailure, failureNote } from './failure';
import { modelStep } from './step';
import { finishTurn, messageJson, type ClinicalInteractionRecord } from './store';
import { TurnUsage } from './usage';

export interface TurnRequest {
  /** The reply's id (its PENDING placeholder): the turn's id in events and the audit trail. */
  turnId: string;
  conversationId: string;
  patientId: string;
  userMessageId: string;
  text: string;
  /** The role of whoever wrote the message: customer (the patient) or staff writing for them. */
  authorRole: string;
  /** The user's bearer token: the tools act as the user. */
  authorization: string | null;
}

export interface TurnDeps {
  prisma: Prisma;
  pubsub: PubSub;
  /** Where emergencies and protocol findings are raised as care alerts (the process's job queue). */
  jobQueue: JobQueue;
  model: ModelProvider;
  config: LunaConfig;
  gatewayUrl: string;
  /** How the tools reach the graph (default: the global fetch). */
  fetch?: typeof fetch;
  /** The catalog's clinical rules, read through the graph (one reader per process). */
  catalog: CatalogRulesReader;
  log: Logger;
}

const ALERT_SEVERITY = { critical: 'CRITICAL', high: 'HIGH' } as const;

/** The care alert of an emergency message: the care team hears of it with the reply, not when someone reads the log. */
function emergencyAlert(request: TurnRequest, match: EmergencyMatch): CareAlertRequest {
  return {
    key: `luna:emergency:${request.userMessageId}`,
    patientId: request.patientId,
    kind: 'EMERGENCY_MESSAGE',
    severity: ALERT_SEVERITY[match.severity],
    title: `Emergency message to Luna: ${match.category.replace(/_/g, ' ')}`,
    detail: { category: match.category, severity: match.severity, language: match.language, matched: match.matched, conversationId: request.conversationId, messageId: request.userMessageId },
    source: { service: 'luna', type: 'conversation_message', id: request.userMessageId },
  };
}

/**
 * A care alert per protocol item with a finding no provider overrode. Its key names the item and
 * the findings, so asking again raises nothing new until the findings change.
 */
async function raiseProtocolFindings(deps: TurnDeps, request: TurnRequest, summary: PatientSummary | null): Promise<void> {
  const flagged = itemsWithUnresolvedFindings(summary);
  if (!flagged.length) return;
  await deps.prisma.$transaction(async (tx) => {
    for (const { protocol, item } of flagged) {
      const findings = item.findings!;
      const fingerprint = createHash('sha256').update(findings.map((finding) => `${finding.rule}|${finding.limit}|${finding.value}`).sort().join('\n')).digest('hex').slice(0, 16);
      await raiseCareAlert(deps.jobQueue, tx, {
        key: `luna:protocol-finding:${item.id}:${fingerprint}`,
        patientId: request.patientId,
        kind: 'PROTOCOL_FINDING',
        severity: 'HIGH',
        title: `Unresolved protocol finding: ${item.peptide?.name ?? 'a peptide'} in "${protocol}" (${[...new Set(findings.map((finding) => finding.rule))].join(', ')})`,
        detail: { protocol, protocolItemId: item.id, findings, noticedIn: { conversationId: request.conversationId, turnId: request.turnId } },
        source: { service: 'luna', type: 'protocol_item', id: item.id },
      });
    }
  });
  careAlertsRaised(deps.jobQueue);
}

/** An emergency answer waits at most this long for the patient's time zone (for the local numbers). */
const EMERGENCY_SUMMARY_WAIT_MS = 1_500;
const TOOL_SPECS = LUNA_TOOLS.map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
const NO_ANSWER: Record<Language, string> = {
  en: "I wasn't able to put an answer together this time. Could you ask again, perhaps more specifically?",
  es: 'Esta vez no pude preparar una respuesta. ¿Puedes preguntar de nuevo, quizá de forma más concreta?',
};

const within = <T>(promise: Promise<T>, ms: number): Promise<T | null> =>
  Promise.race([promise, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms).unref())]);

export async function runTurn(request: TurnRequest, deps: TurnDeps, signal: AbortSignal): Promise<void> {
  const log = deps.log.child({ turnId: request.turnId, conversationId: request.conversationId });
  const events = new TurnEvents(deps.pubsub, { conversationId: request.conversationId, turnId: request.turnId }, deps.config.replaySeconds, log);
  const graph = new GraphClient({
    gatewayUrl: deps.gatewayUrl,
    authorization: request.authorization,
    correlationId: `luna-${request.turnId}`,
    timeoutMs: deps.config.toolTimeoutMs,
    signal,
    fetch: deps.fetch,
  });
  const language = languageOf(request.text);
  const toolCalls: ToolCallRecord[] = [];
  const guardrails: GuardrailRecord[] = [];
  let attempts = 0;
  let guard: AnswerGuard | null = null;
  // Before anything reaches a model.
  const emergency = detectEmergency(request.text);
  const usage = new TurnUsage(emergency ? 'none' : deps.model.name);
  await events.emit({ __typename: 'LunaTurnStarted', messageId: request.userMessageId, model: emergency ? 'none' : deps.model.name });

  const end = async (status: 'COMPLETE' | 'FAILED', content: string, interaction: ClinicalInteractionRecord | null, alert: CareAlertRequest | null = null) => {
    const stored = await finishTurn(deps.prisma, deps.jobQueue, { turnId: request.turnId, conversationId: request.conversationId, patientId: request.patientId, status, content, toolCalls, guardrails, interaction, alert });
    if (alert) careAlertsRaised(deps.jobQueue);
    return messageJson(stored);
  };
  const release = async (released: Release[]) => {
    for (const item of released) {
      if (item.type === 'text') await events.emit({ __typename: 'LunaTextDelta', text: item.text });
      else await events.emit({ __typename: 'LunaGuardrailNotice', check: item.check, action: item.action, detail: item.detail });
    }
  };

  try {
    const summary = patientSummary(graph, request.patientId).catch((error) => {
      log.warn({ err: error }, 'Luna: no patient summary');
      return null;
    });
    if (emergency) {
      const message = await answerEmergency(emergency, await within(summary, EMERGENCY_SUMMARY_WAIT_MS));
      usage.outcome = 'emergency';
      return void (await events.emit({ __typename: 'LunaTurnDone', message }));
    }
    guardrails.push({ check: 'emergency', action: 'passed', detail: null });

    const known = await summary;
    // The care team hears of an unresolved protocol finding; a failure to say so must not cost the patient their answer.
    await raiseProtocolFindings(deps, request, known).catch((error) => log.error({ err: error }, 'Luna: could not raise a protocol-finding alert'));
    const facts = guardFacts(
      known,
      await catalogRules(deps.catalog, known).catch((error) => {
        log.warn({ err: error }, 'Luna: the catalog rules are unavailable');
        return [];
      }),
    );
    guard = new AnswerGuard(facts, language);
    const history = await recentHistory(deps.prisma, request.conversationId, [request.userMessageId, request.turnId], deps.config.contextTokens);
    const messages: ModelMessage[] = [...history, { role: 'user', content: userText(request.text, request.authorRole) }];
    const system = systemPrompt(await summary, language);
    let refused = 0;

    for (;;) {
      const toolsAllowed = toolCalls.length < MAX_TOOL_CALLS_PER_TURN;
      const step = await modelStep({
        model: deps.model,
        config: deps.config,
        system,
        messages,
        tools: TOOL_SPECS,
        toolsAllowed,
        guard,
        release,
        signal,
        log,
        onAttempt: () => attempts++,
      });
      usage.add(step);
      // Past the limit the model must answer: whatever it still asks for is not run.
      if (!step.toolUses.length || !toolsAllowed) {
        refused += toolsAllowed ? 0 : step.toolUses.length;
        break;
      }
      messages.push({ role: 'assistant', content: [...(step.text ? [{ type: 'text' as const, text: step.text }] : []), ...step.toolUses.map((use) => ({ type: 'tool_use' as const, ...use }))] });
      const results: ContentBlock[] = [];
      for (const use of step.toolUses) {
        if (toolCalls.length >= MAX_TOOL_CALLS_PER_TURN) {
          refused++;
          results.push({ type: 'tool_result', tool_use_id: use.id, content: `Error: the limit of ${MAX_TOOL_CALLS_PER_TURN} tool calls per answer is reached; answer with what you have.`, is_error: true });
          continue;
        }
        results.push(await callTool(use));
      }
      messages.push({ role: 'user', content: results });
    }
    if (refused) log.info({ refused }, 'Luna: tool calls past the limit were not run');

    await release(guard.finish());
    let content = guard.content;
    if (!content) {
      content = NO_ANSWER[language];
      await release([{ type: 'text', text: content }]);
    }
    guardrails.push(...guard.outcomes());
    const message = await end('COMPLETE', content, interactionOf(guard, deps.model.name, refused));
    usage.outcome = 'complete';
    await events.emit({ __typename: 'LunaTurnDone', message });
  } catch (error) {
    const failure = describeFailure(error, signal);
    if (failure.code === 'INTERNAL') log.error({ err: error }, 'Luna: turn failed');
    else log.warn({ code: failure.code, reason: failure.reason }, 'Luna: turn failed');
    try {
      const shown = guard?.content;
      const message = await end('FAILED', `${shown ? `${shown}\n\n` : ''}${failureNote(failure)}`, null);
      await events.emit({ __typename: 'LunaTurnError', code: failure.code, reason: failure.reason, attempts, message });
    } catch (storeError) {
      log.error({ err: storeError }, 'Luna: could not store the failed turn');
    }
  } finally {
    usage.record(log);
  }

  async function callTool(use: { id: string; name: string; input: Record<string, unknown> }): Promise<ContentBlock> {
    await events.emit({ __typename: 'LunaToolCallStarted', callId: use.id, name: use.name, argumentsSummary: summarizeArguments(use.input) });
    const outcome = await runTool(use.name, use.input, { graph, patientId: request.patientId });
    const resultSize = outcome.ok ? outcome.content.length : null;
    toolCalls.push({ name: use.name, arguments: use.input, resultSize, durationMs: outcome.durationMs, error: outcome.error });
    await events.emit({ __typename: 'LunaToolCallFinished', callId: use.id, name: use.name, ok: outcome.ok, resultSize, durationMs: outcome.durationMs, error: outcome.error });
    return { type: 'tool_result', tool_use_id: use.id, content: outcome.content, ...(outcome.ok ? {} : { is_error: true }) };
  }

  async function answerEmergency(match: EmergencyMatch, summaryOrNull: PatientSummary | null) {
    const contacts = contactsFor(summaryOrNull?.timezone);
    await events.emit({ __typename: 'LunaEmergencyNotice', category: match.category, severity: match.severity, emergencyNumber: contacts.emergencyNumber, crisisLine: contacts.crisisLine });
    const text = emergencyResponse(match, contacts);
    for (const sentence of text.match(/[^.!?]+[.!?]+\s*/g) ?? [text]) await events.emit({ __typename: 'LunaTextDelta', text: sentence });
    guardrails.push({ check: 'emergency', action: 'escalated', detail: `${match.category} (${match.severity})` });
    return end(
      'COMPLETE',
      text,
      {
        kind: 'emergency',
        severity: match.severity,
        detail: { category: match.category, language: match.language, matched: match.matched, emergencyNumber: contacts.emergencyNumber, modelCalled: false },
      },
      emergencyAlert(request, match),
    );
  }

  function interactionOf(answerGuard: AnswerGuard, model: string, refusedCalls: number): ClinicalInteractionRecord {
    const detail = { model, tools: toolCalls.map((call) => call.name), refusedToolCalls: refusedCalls, guardrails: answerGuard.outcomes().filter((outcome) => outcome.action !== 'passed') };
    if (answerGuard.interventions) {
      const safety = answerGuard.outcomes().some((outcome) => outcome.check === 'safety' && outcome.action !== 'passed');
      return { kind: 'guardrail_intervention', severity: answerGuard.wasBlocked || safety ? 'high' : 'medium', detail };
    }
    return { kind: toolCalls.length ? 'health_information' : 'general_question', severity: 'low', detail };
  }
}
