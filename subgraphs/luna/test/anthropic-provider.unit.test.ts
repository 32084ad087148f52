// The Claude provider against a local server speaking the streaming Messages API, through the
// real @anthropic-ai/sdk: what it yields, and which failures it reports as retryable.
import { reply, startAnthropicServer, type AnthropicTestServer } from '../../../test/support/anthropic-server';
import { AnthropicProvider } from '../model/anthropic';
import { RetryableModelError, type ModelEvent, type ModelRequest } from '../model/provider';
import { withRetries } from '../model/retry';

let server: AnthropicTestServer;
let provider: AnthropicProvider;

beforeAll(async () => {
  server = await startAnthropicServer();
  provider = new AnthropicProvider({ apiKey: 'test-key', baseURL: server.url, model: 'claude-test', timeoutMs: 300 });
});
afterAll(() => server.close());

function request(marker: string, toolsAllowed = true): ModelRequest {
  return {
    system: 'You are Luna.',
    messages: [{ role: 'user', content: `question ${marker}` }],
    tools: [{ name: 'getLabResults', description: 'labs', inputSchema: { type: 'object', properties: {} } }],
    toolsAllowed,
    maxTokens: 100,
    signal: new AbortController().signal,
  };
}

async function drain(marker: string, toolsAllowed = true): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of provider.stream(request(marker, toolsAllowed))) events.push(event);
  return events;
}

async function failure(marker: string): Promise<unknown> {
  try {
    await drain(marker);
  } catch (error) {
    return error;
  }
  throw new Error('expected the stream to fail');
}

describe('AnthropicProvider', () => {
  it('streams text deltas, then tool requests assembled from input_json_delta fragments, then the stop reason', async () => {
    server.route('m-tools', [reply.tools([{ name: 'getLabResults', input: { biomarkers: ['LDL', 'HDL'], results: 2 }, id: 'toolu_1' }], 'Let me check your labs.')]);
    const events = await drain('m-tools');
    expect(events.filter((e) => e.type === 'text').map((e) => (e as { text: string }).text).join('')).toBe('Let me check your labs.');
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    expect(events.find((e) => e.type === 'tool_use')).toEqual({ type: 'tool_use', id: 'toolu_1', name: 'getLabResults', input: { biomarkers: ['LDL', 'HDL'], results: 2 } });
    expect(events[events.length - 1]).toMatchObject({ type: 'stop', reason: 'tool_use', outputTokens: 12 });
    const sent = server.requestsFor('m-tools')[0];
    expect(sent.body).toMatchObject({ model: 'claude-test', stream: true, system: 'You are Luna.', tool_choice: { type: 'auto' } });
    expect(sent.body.tools[0].name).toBe('getLabResults');
    expect(sent.headers['x-api-key'] ?? sent.headers.authorization).toBeTruthy();
  });

  it('asks for tool_choice none once the turn may not call tools', async () => {
    server.route('m-none', [reply.text('Here is my answer.')]);
    await drain('m-none', false);
    expect(server.requestsFor('m-none')[0].body.tool_choice).toEqual({ type: 'none' });
  });

  it.each([
    ['m-529', 'overloaded', reply.overloaded()],
    ['m-500', 'server_error', reply.serverError()],
    ['m-429', 'rate_limited', reply.rateLimited()],
    ['m-frame', 'overloaded', { kind: 'stream-error', text: 'Partial', errorType: 'overloaded_error' } as const],
    ['m-hang', 'timeout', reply.hang()],
    ['m-stall', 'timeout', { kind: 'stall', text: 'I was saying' } as const],
  ])('reports %s as a retryable %s failure', async (marker, kind, scripted) => {
    server.route(marker, [scripted]);
    const error = await failure(marker);
    expect(error).toBeInstanceOf(RetryableModelError);
    expect((error as RetryableModelError).kind).toBe(kind);
  });

  it('does not retry a request the API refuses (400)', async () => {
    server.route('m-400', [{ kind: 'status', status: 400, errorType: 'invalid_request_error' }]);
    const error = await failure('m-400');
    expect(error).not.toBeInstanceOf(RetryableModelError);
  });

  it('succeeds on a retry after overload, with backoff, through withRetries', async () => {
    server.route('m-retry', [reply.overloaded(), reply.serverError(), reply.text('Recovered.')]);
    const waits: number[] = [];
    const text = await withRetries(
      async () => {
        let out = '';
        for await (const event of provider.stream(request('m-retry'))) if (event.type === 'text') out += event.text;
        return out;
      },
      { retries: 3, baseMs: 10, maxMs: 100, signal: new AbortController().signal, mayRetry: () => true, onRetry: (_e, _n, wait) => waits.push(wait) },
    );
    expect(text).toBe('Recovered.');
    expect(server.requestsFor('m-retry')).toHaveLength(3);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] * 0.9);
  });
});
