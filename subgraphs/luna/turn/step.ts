// One model step: the model streams, its text goes through the guardrails to the client as it
// comes, its tool requests are collected. Retried with backoff while nothing of the step has
// reached the client; after that a failure ends the turn.
import type { Logger } from '../../../shared/logger';
import type { LunaConfig } from '../config';
import { MAX_MODEL_RETRY_WAIT_MS } from '../config';
import type { AnswerGuard, Release } from '../guardrails';
import type { ModelMessage, ModelProvider, StopReason, ToolSpec } from '../model/provider';
import { withRetries } from '../model/retry';

export interface StepResult {
  text: string;
  toolUses: { id: string; name: string; input: Record<string, unknown> }[];
  stopReason: StopReason;
  /** Usage as the model reported it at the end of the stream (null: not reported). */
  inputTokens: number | null;
  outputTokens: number | null;
}

export interface StepInput {
  model: ModelProvider;
  config: LunaConfig;
  system: string;
  messages: ModelMessage[];
  tools: ToolSpec[];
  toolsAllowed: boolean;
  guard: AnswerGuard;
  release: (released: Release[]) => Promise<void>;
  signal: AbortSignal;
  log: Logger;
  /** Counts every request sent to the model (for the error event). */
  onAttempt: () => void;
}

export async function modelStep(input: StepInput): Promise<StepResult> {
  let delivered = false;
  const release = async (released: Release[]) => {
    if (released.length) delivered = true;
    await input.release(released);
  };
  return withRetries(
    async () => {
      input.onAttempt();
      // A retried attempt starts over: drop what the failed one left unchecked in the guard.
      input.guard.discardPending();
      const result: StepResult = { text: '', toolUses: [], stopReason: 'other', inputTokens: null, outputTokens: null };
      for await (const event of input.model.stream({
        system: input.system,
        messages: input.messages,
        tools: input.tools,
        toolsAllowed: input.toolsAllowed,
        maxTokens: input.config.maxOutputTokens,
        signal: input.signal,
      })) {
        if (event.type === 'text') {
          result.text += event.text;
          await release(input.guard.push(event.text));
        } else if (event.type === 'tool_use') result.toolUses.push({ id: event.id, name: event.name, input: event.input });
        else Object.assign(result, { stopReason: event.reason, inputTokens: event.inputTokens, outputTokens: event.outputTokens });
      }
      await release(input.guard.flush());
      return result;
    },
    {
      retries: input.config.modelRetries,
      baseMs: input.config.modelRetryBaseMs,
      maxMs: MAX_MODEL_RETRY_WAIT_MS,
      signal: input.signal,
      mayRetry: () => !delivered,
      onRetry: (error, attempt, waitMs) => input.log.warn({ reason: error.message, attempt, waitMs }, 'Luna: model step failed, retrying'),
    },
  );
}
