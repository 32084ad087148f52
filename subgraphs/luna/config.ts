// Luna's settings, read from the environment once per process, each default named here.

/** LUNA_MODEL: the Claude model Luna talks with (when ANTHROPIC_API_KEY is set). */
export const DEFAULT_LUNA_MODEL = 'claude-sonnet-4-6';
/** LUNA_MODEL_TIMEOUT_MS: a model request fails when no byte of its stream arrives for this long. */
export const DEFAULT_MODEL_TIMEOUT_MS = 30_000;
/** LUNA_MODEL_RETRIES: retries of a model request after overload (529), 429, 5xx or a timeout. */
export const DEFAULT_MODEL_RETRIES = 3;
/** LUNA_MODEL_RETRY_BASE_MS: the first retry's wait; it doubles per retry (with jitter). */
export const DEFAULT_MODEL_RETRY_BASE_MS = 500;
/** The longest wait between two attempts. */
export const MAX_MODEL_RETRY_WAIT_MS = 8_000;
/** LUNA_MAX_OUTPUT_TOKENS: room for one answer (a short chat reply). */
export const DEFAULT_MAX_OUTPUT_TOKENS = 1_024;
/** LUNA_CONTEXT_TOKENS: how much of the conversation's recent history a turn sends (estimated tokens). */
export const DEFAULT_CONTEXT_TOKENS = 6_000;
/** LUNA_TURN_TIMEOUT_MS: a whole turn's deadline (model steps and tools together). */
export const DEFAULT_TURN_TIMEOUT_MS = 120_000;
/** LUNA_TOOL_TIMEOUT_MS: one tool call's deadline (a GraphQL request through the gateway). */
export const DEFAULT_TOOL_TIMEOUT_MS = 10_000;
/** LUNA_REPLAY_SECONDS: how long a turn's events stay replayable after the latest one. */
export const DEFAULT_REPLAY_SECONDS = 120;
/** LUNA_OFFLINE_CHUNK_DELAY_MS: the offline model's pause between chunks, so its stream can be watched. */
export const DEFAULT_OFFLINE_CHUNK_DELAY_MS = 15;

/** The limit: after this many tool calls in one turn the model must answer. */
export const MAX_TOOL_CALLS_PER_TURN = 5;
/** Most events one turn keeps for replay (a long answer streams a few hundred). */
export const REPLAY_MAX_EVENTS = 2_000;
/** A user message's longest length, in characters. */
export const MAX_MESSAGE_CHARS = 4_000;

export interface LunaConfig {
  /** Null: the offline model. */
  anthropic: { apiKey: string; baseURL: string | undefined; model: string } | null;
  modelTimeoutMs: number;
  modelRetries: number;
  modelRetryBaseMs: number;
  maxOutputTokens: number;
  contextTokens: number;
  turnTimeoutMs: number;
  toolTimeoutMs: number;
  replaySeconds: number;
  offlineChunkDelayMs: number;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export function loadLunaConfig(env: NodeJS.ProcessEnv = process.env): LunaConfig {
  return {
    anthropic: env.ANTHROPIC_API_KEY
      ? { apiKey: env.ANTHROPIC_API_KEY, baseURL: env.ANTHROPIC_BASE_URL || undefined, model: env.LUNA_MODEL || DEFAULT_LUNA_MODEL }
      : null,
    modelTimeoutMs: int(env, 'LUNA_MODEL_TIMEOUT_MS', DEFAULT_MODEL_TIMEOUT_MS) || DEFAULT_MODEL_TIMEOUT_MS,
    modelRetries: int(env, 'LUNA_MODEL_RETRIES', DEFAULT_MODEL_RETRIES),
    modelRetryBaseMs: int(env, 'LUNA_MODEL_RETRY_BASE_MS', DEFAULT_MODEL_RETRY_BASE_MS),
    maxOutputTokens: int(env, 'LUNA_MAX_OUTPUT_TOKENS', DEFAULT_MAX_OUTPUT_TOKENS) || DEFAULT_MAX_OUTPUT_TOKENS,
    contextTokens: int(env, 'LUNA_CONTEXT_TOKENS', DEFAULT_CONTEXT_TOKENS),
    turnTimeoutMs: int(env, 'LUNA_TURN_TIMEOUT_MS', DEFAULT_TURN_TIMEOUT_MS) || DEFAULT_TURN_TIMEOUT_MS,
    toolTimeoutMs: int(env, 'LUNA_TOOL_TIMEOUT_MS', DEFAULT_TOOL_TIMEOUT_MS) || DEFAULT_TOOL_TIMEOUT_MS,
    replaySeconds: int(env, 'LUNA_REPLAY_SECONDS', DEFAULT_REPLAY_SECONDS) || DEFAULT_REPLAY_SECONDS,
    offlineChunkDelayMs: int(env, 'LUNA_OFFLINE_CHUNK_DELAY_MS', DEFAULT_OFFLINE_CHUNK_DELAY_MS),
  };
}
