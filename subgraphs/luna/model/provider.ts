// The model behind Luna, whatever it is: a conversation in Anthropic's content-block shape
// goes in, a stream of text pieces and tool requests comes out. Claude (anthropic.ts) and the
// offline model (offline.ts) both speak it, so the turn engine does not know which it has.

export interface TextBlock {
  type: 'text';
  text: string;
}

export interface ToolUseBlock {
  type: 'tool_use';
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface ToolResultBlock {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

export type ContentBlock = TextBlock | ToolUseBlock | ToolResultBlock;

export interface ModelMessage {
  role: 'user' | 'assistant';
  content: string | ContentBlock[];
}

export interface ToolSpec {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export interface ModelRequest {
  system: string;
  messages: ModelMessage[];
  tools: ToolSpec[];
  /** False once the turn has used its tool calls: the model must answer. */
  toolsAllowed: boolean;
  maxTokens: number;
  signal: AbortSignal;
}

export type StopReason = 'end_turn' | 'tool_use' | 'max_tokens' | 'stop_sequence' | 'refusal' | 'pause_turn' | 'other';

export type ModelEvent =
  | { type: 'text'; text: string }
  | { type: 'tool_use'; id: string; name: string; input: Record<string, unknown> }
  | { type: 'stop'; reason: StopReason; inputTokens: number | null; outputTokens: number | null };

export interface ModelProvider {
  /** What the stored turn records as its author, e.g. "claude-sonnet-4-6" or "offline". */
  readonly name: string;
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

/** A failure worth another attempt: overload, rate limit, server error, timeout, lost connection. */
export class RetryableModelError extends Error {
  constructor(
    message: string,
    readonly kind: 'overloaded' | 'rate_limited' | 'server_error' | 'timeout' | 'connection',
  ) {
    super(message);
    this.name = 'RetryableModelError';
  }
}
