// The shapes stored in conversation_messages' JSON columns (tool_calls, guardrails), and their
// reading into the GraphQL types. Tolerant: a row written by an older version, or a damaged
// entry, yields what can be read instead of failing the whole conversation.
import type { Prisma } from '../../generated/prisma/client';

/** One entry of conversation_messages.tool_calls. */
export interface ToolCallRecord {
  name: string;
  /** The arguments as sent to the tool (an object), or already a JSON string. */
  arguments: unknown;
  resultSize?: number | null;
  durationMs?: number | null;
  /** `CODE: message` when the call failed (a denial, bad arguments, a timeout). */
  error?: string | null;
}

/** One entry of conversation_messages.guardrails. */
export interface GuardrailRecord {
  check: string;
  action: string;
  detail?: string | null;
}

export interface ToolCall {
  name: string;
  arguments: string;
  resultSize: number | null;
  durationMs: number | null;
  error: string | null;
}

export interface GuardrailOutcome {
  check: string;
  action: string;
  detail: string | null;
}

function entries(json: Prisma.JsonValue | null | undefined): Record<string, unknown>[] {
  if (!Array.isArray(json)) return [];
  return json.filter((entry): entry is Prisma.JsonObject => typeof entry === 'object' && entry !== null && !Array.isArray(entry));
}

function integer(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

export function toolCallsOf(json: Prisma.JsonValue | null | undefined): ToolCall[] {
  return entries(json).map((entry) => ({
    name: text(entry.name) ?? 'unknown',
    arguments: typeof entry.arguments === 'string' ? entry.arguments : JSON.stringify(entry.arguments ?? {}),
    resultSize: integer(entry.resultSize),
    durationMs: integer(entry.durationMs),
    error: text(entry.error),
  }));
}

export function guardrailsOf(json: Prisma.JsonValue | null | undefined): GuardrailOutcome[] {
  return entries(json).map((entry) => ({
    check: text(entry.check) ?? 'unknown',
    action: text(entry.action) ?? 'unknown',
    detail: entry.detail == null ? null : typeof entry.detail === 'string' ? entry.detail : JSON.stringify(entry.detail),
  }));
}
