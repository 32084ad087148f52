// The offline model, used when ANTHROPIC_API_KEY is unset: deterministic, no network. It
// reads the question with keyword rules, calls the same tools Claude would (through the
// supergraph, with the user's token) and answers from their results with templates, streamed
// in small chunks, so `npm start` shows the whole flow: tools, guardrails, stream, storage.
import { composeAnswer, leadIn, type ToolResult } from './offline-answers';
import { planCalls } from './offline-plan';
import type { ContentBlock, ModelEvent, ModelMessage, ModelProvider, ModelRequest } from './provider';

const WORDS_PER_CHUNK = 4;

function textOf(message: ModelMessage): string | null {
  if (typeof message.content === 'string') return message.content;
  const texts = message.content.filter((block): block is Extract<ContentBlock, { type: 'text' }> => block.type === 'text');
  return texts.length && !message.content.some((block) => block.type === 'tool_result') ? texts.map((block) => block.text).join('\n') : null;
}

function parse(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return null;
  }
}

/** The question (the last user text) and the tool calls made for it so far, with their results. */
export function readConversation(messages: ModelMessage[]): { question: string; results: ToolResult[] } {
  let at = messages.length - 1;
  while (at >= 0 && !(messages[at].role === 'user' && textOf(messages[at]) !== null)) at--;
  const question = at >= 0 ? textOf(messages[at])! : '';
  const calls = new Map<string, { name: string; input: Record<string, unknown> }>();
  const results: ToolResult[] = [];
  for (const message of messages.slice(at + 1)) {
    if (typeof message.content === 'string') continue;
    for (const block of message.content) {
      if (block.type === 'tool_use') calls.set(block.id, { name: block.name, input: block.input });
      if (block.type === 'tool_result') {
        const call = calls.get(block.tool_use_id);
        if (!call) continue;
        results.push({ ...call, data: block.is_error ? null : parse(block.content), error: block.is_error ? block.content.replace(/^Error:\s*/, '') : null });
      }
    }
  }
  return { question, results };
}

export class OfflineModel implements ModelProvider {
  readonly name = 'offline';

  constructor(private readonly chunkDelayMs: number) {}

  async *stream(request: ModelRequest): AsyncIterable<ModelEvent> {
    const { question, results } = readConversation(request.messages);
    const called = new Set(results.map((result) => result.name));
    const missing = planCalls(question).filter((call) => !called.has(call.name));
    if (request.toolsAllowed && missing.length) {
      yield* this.say(`${leadIn(missing.map((call) => call.name))}\n`, request.signal);
      for (const [index, call] of missing.entries()) yield { type: 'tool_use', id: `offline_${results.length + index + 1}`, name: call.name, input: call.input };
      yield { type: 'stop', reason: 'tool_use', inputTokens: null, outputTokens: null };
      return;
    }
    yield* this.say(composeAnswer(results), request.signal);
    yield { type: 'stop', reason: 'end_turn', inputTokens: null, outputTokens: null };
  }

  private async *say(text: string, signal: AbortSignal): AsyncIterable<ModelEvent> {
    const words = text.match(/\S+\s*|\s+/g) ?? [];
    for (let i = 0; i < words.length; i += WORDS_PER_CHUNK) {
      signal.throwIfAborted();
      if (this.chunkDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.chunkDelayMs));
      yield { type: 'text', text: words.slice(i, i + WORDS_PER_CHUNK).join('') };
    }
  }
}
