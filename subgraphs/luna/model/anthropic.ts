// Claude through @anthropic-ai/sdk, streaming with tools. The SDK's own retries are off
// (maxRetries 0): the turn engine retries whole model steps with its own backoff, and only
// while nothing of the step has reached the user. The SDK's `timeout` bounds the wait for the
// response headers; an idle timer here bounds every gap in the stream after that, which the
// SDK does not.
import Anthropic from '@anthropic-ai/sdk';
import { MODEL_CALL_TRACING } from '../../../shared/observability/model-tracing';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { RetryableModelError, type ModelEvent, type ModelProvider, type ModelRequest, type StopReason } from './provider';

export interface AnthropicProviderOptions {
  apiKey: string;
  /** The Messages API's base URL; the SDK's default when unset. */
  baseURL?: string;
  model: string;
  /** Longest silence allowed: before the response starts and between stream events. */
  timeoutMs: number;
}

/** Stream error types (an `event: error` frame) that are worth another attempt. */
const RETRYABLE_STREAM_ERRORS = new Set(['overloaded_error', 'api_error', 'rate_limit_error', 'timeout_error']);
const STOP_REASONS = new Set<StopReason>(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence', 'refusal', 'pause_turn']);

/** The SDK's errors as retryable or not. */
export function classifyAnthropicError(error: unknown): unknown {
  if (error instanceof Anthropic.APIConnectionTimeoutError) return new RetryableModelError('the model did not answer in time', 'timeout');
  if (error instanceof Anthropic.APIUserAbortError) return error;
  if (error instanceof Anthropic.APIConnectionError) return new RetryableModelError(`could not reach the model: ${error.message}`, 'connection');
  if (error instanceof Anthropic.APIError) {
    const status = error.status;
    if (status === 529 || (status === undefined && error.type === 'overloaded_error')) return new RetryableModelError('the model is overloaded', 'overloaded');
    if (status === 429) return new RetryableModelError('the model is rate limited', 'rate_limited');
    if (status === 408) return new RetryableModelError('the model timed out', 'timeout');
    if ((status !== undefined && status >= 500) || (status === undefined && RETRYABLE_STREAM_ERRORS.has(String(error.type)))) {
      return new RetryableModelError(`the model failed (${status ?? error.type})`, 'server_error');
    }
  }
  return error;
}

export class AnthropicProvider implements ModelProvider {
  readonly name: string;
  private readonly client: Anthropic;

  constructor(private readonly options: AnthropicProviderOptions) {
    this.name = options.model;
    this.client = new Anthropic({ apiKey: options.apiKey, baseURL: options.baseURL, timeout: options.timeoutMs, maxRetries: 0, openTelemetry: MODEL_CALL_TRACING });
  }

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const idle = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        timedOut = true;
        idle.abort();
      }, this.options.timeoutMs);
    };
    const signal = AbortSignal.any([request.signal, idle.signal]);
    const tools = request.tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema as Anthropic.Tool.InputSchema }));
    // Tool blocks being written, by content index: their input arrives as JSON fragments.
    const pending = new Map<number, { id: string; name: string; json: string }>();
    let stop: ModelEvent | undefined;
    let inputTokens: number | null = null;
    let reason: StopReason = 'other';
    let outputTokens: number | null = null;
    arm();
    try {
      const stream = await this.client.messages.create(
        {
          model: this.options.model,
          max_tokens: request.maxTokens,
          system: request.system,
          messages: request.messages as Anthropic.MessageParam[],
          ...(tools.length ? { tools, tool_choice: request.toolsAllowed ? { type: 'auto' as const } : { type: 'none' as const } } : {}),
          stream: true,
        },
        { signal },
      );
      for await (const event of stream as AsyncIterable<RawMessageStreamEvent>) {
        arm();
        switch (event.type) {
          case 'message_start':
            inputTokens = event.message.usage?.input_tokens ?? null;
            break;
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') pending.set(event.index, { id: event.content_block.id, name: event.content_block.name, json: '' });
            break;
          case 'content_block_delta':
            if (event.delta.type === 'text_delta') yield { type: 'text', text: event.delta.text };
            else if (event.delta.type === 'input_json_delta') {
              const block = pending.get(event.index);
              if (block) block.json += event.delta.partial_json;
            }
            break;
          case 'content_block_stop': {
            const block = pending.get(event.index);
            if (block) {
              pending.delete(event.index);
              yield { type: 'tool_use', id: block.id, name: block.name, input: parseInput(block.json) };
            }
            break;
          }
          case 'message_delta':
            reason = STOP_REASONS.has(event.delta.stop_reason as StopReason) ? (event.delta.stop_reason as StopReason) : 'other';
            outputTokens = event.usage?.output_tokens ?? outputTokens;
            break;
          case 'message_stop':
            stop = { type: 'stop', reason, inputTokens, outputTokens };
            break;
        }
      }
    } catch (error) {
      if (timedOut) throw new RetryableModelError('the model stream stalled', 'timeout');
      throw classifyAnthropicError(error);
    } finally {
      clearTimeout(timer);
    }
    // An aborted SDK stream ends quietly: tell a stall (or a cut connection) from a finished message.
    if (timedOut) throw new RetryableModelError('the model stream stalled', 'timeout');
    request.signal.throwIfAborted();
    if (!stop) throw new RetryableModelError('the model stream ended before message_stop', 'connection');
    yield stop;
  }
}

function parseInput(json: string): Record<string, unknown> {
  if (!json.trim()) return {};
  try {
    const value = JSON.parse(json);
    return value && typeof value === 'object' && !Array.isArray(value) ? value : { value };
  } catch {
    return { unparsed: json };
  }
}
