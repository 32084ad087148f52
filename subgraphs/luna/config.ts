// Luna's settings (declared, typed and defaulted in shared/config/settings.ts) and its fixed limits.
import type { Config } from '../../shared/config';

/** The longest wait between two attempts. */
export const MAX_MODEL_RETRY_WAIT_MS = 8_000;

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

export function loadLunaConfig(config: Pick<Config, 'luna' | 'anthropic'>): LunaConfig {
  const { model, ...luna } = config.luna;
  return {
    anthropic: config.anthropic ? { apiKey: config.anthropic.apiKey, baseURL: config.anthropic.baseUrl, model } : null,
    ...luna,
  };
}
