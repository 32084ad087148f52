// A local server that speaks Anthropic's Messages API with streaming (SSE), for tests that
// drive the real @anthropic-ai/sdk: `event:` lines, message_start with usage,
// content_block_start / content_block_delta (text_delta, input_json_delta) / content_block_stop,
// message_delta with stop_reason and usage, message_stop. Each test scripts the answers to its
// own requests (matched by a marker in the request's text) and can make the "model" fail:
// an HTTP status (529 overloaded, 500, 429), an error frame mid-stream, a request that is never
// answered, or a stream that goes silent.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  body: any;
  headers: http.IncomingHttpHeaders;
  /** The system prompt and every text, tool_use input and tool_result of the messages, joined. */
  text: string;
}

export interface ToolUseReply {
  name: string;
  input: Record<string, unknown>;
  id?: string;
}

export type Reply =
  | { kind: 'message'; text?: string | string[]; toolUses?: ToolUseReply[]; stopReason?: string; frameDelayMs?: number }
  | { kind: 'status'; status: number; errorType?: string }
  | { kind: 'stream-error'; text?: string; errorType?: string }
  | { kind: 'hang' }
  | { kind: 'stall'; text?: string };

/** Answers the n-th (0-based) request of a route. */
export type Script = (request: RecordedRequest, n: number) => Reply;

export const reply = {
  text: (text: string | string[], frameDelayMs = 0): Reply => ({ kind: 'message', text, frameDelayMs }),
  tools: (toolUses: ToolUseReply[], text?: string): Reply => ({ kind: 'message', text, toolUses }),
  overloaded: (): Reply => ({ kind: 'status', status: 529, errorType: 'overloaded_error' }),
  serverError: (): Reply => ({ kind: 'status', status: 500, errorType: 'api_error' }),
  rateLimited: (): Reply => ({ kind: 'status', status: 429, errorType: 'rate_limit_error' }),
  hang: (): Reply => ({ kind: 'hang' }),
};

export interface AnthropicTestServer {
  /** For ANTHROPIC_BASE_URL. */
  url: string;
  requests: RecordedRequest[];
  /** Requests whose text contains `marker` are answered by `script` (or the replies in turn, the last repeating). */
  route(marker: string, script: Script | Reply[]): void;
  requestsFor(marker: string): RecordedRequest[];
  close(): Promise<void>;
}

const ERROR_MESSAGES: Record<string, string> = {
  overloaded_error: 'Overloaded',
  api_error: 'Internal server error',
  rate_limit_error: 'Rate limited',
  invalid_request_error: 'No test script matches this request',
};

function textOf(body: any): string {
  const parts: string[] = [typeof body.system === 'string' ? body.system : JSON.stringify(body.system ?? '')];
  for (const message of body.messages ?? []) {
    if (typeof message.content === 'string') parts.push(message.content);
    else
      for (const block of message.content ?? []) {
        if (block.type === 'text') parts.push(block.text);
        if (block.type === 'tool_use') parts.push(JSON.stringify(block.input));
        if (block.type === 'tool_result') parts.push(typeof block.content === 'string' ? block.content : JSON.stringify(block.content));
      }
  }
  return parts.join('\n');
}

/** Splits text into the small pieces a model streams (a few words each). */
function pieces(text: string | string[] | undefined): string[] {
  if (text === undefined) return [];
  if (Array.isArray(text)) return text;
  const words = text.match(/\S+\s*/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += 3) out.push(words.slice(i, i + 3).join(''));
  return out;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startAnthropicServer(): Promise<AnthropicTestServer> {
  const requests: RecordedRequest[] = [];
  const routes: { marker: string; script: Script; seen: number }[] = [];
  const sockets = new Set<Socket>();

  const send = (res: http.ServerResponse, event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);

  const startStream = (res: http.ServerResponse, body: any) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${randomUUID()}` });
    send(res, 'message_start', {
      type: 'message_start',
      message: { id: `msg_${randomUUID()}`, type: 'message', role: 'assistant', model: body.model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: Math.ceil(JSON.stringify(body.messages).length / 4), output_tokens: 1 } },
    });
    send(res, 'ping', { type: 'ping' });
  };

  const streamText = async (res: http.ServerResponse, index: number, text: string | string[] | undefined, delayMs = 0) => {
    const chunks = pieces(text);
    if (!chunks.length) return 0;
    send(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const chunk of chunks) {
      if (delayMs) await pause(delayMs);
      send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: chunk } });
    }
    send(res, 'content_block_stop', { type: 'content_block_stop', index });
    return 1;
  };

  const answer = async (res: http.ServerResponse, body: any, scripted: Reply) => {
    switch (scripted.kind) {
      case 'status': {
        const type = scripted.errorType ?? 'api_error';
        res.writeHead(scripted.status, { 'content-type': 'application/json', 'request-id': `req_${randomUUID()}` });
        res.end(JSON.stringify({ type: 'error', error: { type, message: ERROR_MESSAGES[type] ?? type } }));
        return;
      }
      case 'hang':
        return; // never answered: the socket stays open until the client gives up
      case 'stall':
        startStream(res, body);
        await streamText(res, 0, scripted.text);
        return; // then silence
      case 'stream-error': {
        startStream(res, body);
        await streamText(res, 0, scripted.text);
        const type = scripted.errorType ?? 'overloaded_error';
        send(res, 'error', { type: 'error', error: { type, message: ERROR_MESSAGES[type] ?? type } });
        res.end();
        return;
      }
      case 'message': {
        startStream(res, body);
        let index = await streamText(res, 0, scripted.text, scripted.frameDelayMs);
        for (const use of scripted.toolUses ?? []) {
          send(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: use.id ?? `toolu_${randomUUID().replace(/-/g, '').slice(0, 24)}`, name: use.name, input: {} } });
          // The input arrives as JSON fragments, as the real API sends it.
          const json = JSON.stringify(use.input);
          const third = Math.max(1, Math.ceil(json.length / 3));
          for (let at = 0; at < json.length; at += third) {
            send(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: json.slice(at, at + third) } });
          }
          send(res, 'content_block_stop', { type: 'content_block_stop', index });
          index++;
        }
        const stopReason = scripted.stopReason ?? (scripted.toolUses?.length ? 'tool_use' : 'end_turn');
        send(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens: 12 } });
        send(res, 'message_stop', { type: 'message_stop' });
        res.end();
      }
    }
  };

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || !req.url?.startsWith('/v1/messages')) {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(raw || '{}');
      const recorded: RecordedRequest = { body, headers: req.headers, text: textOf(body) };
      requests.push(recorded);
      const route = routes.find((candidate) => recorded.text.includes(candidate.marker));
      const scripted = route ? route.script(recorded, route.seen++) : ({ kind: 'status', status: 400, errorType: 'invalid_request_error' } as Reply);
      void answer(res, body, scripted).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route(marker, script) {
      const fn: Script = Array.isArray(script) ? (_request, n) => script[Math.min(n, script.length - 1)] : script;
      routes.push({ marker, script: fn, seen: 0 });
    },
    requestsFor(marker) {
      return requests.filter((request) => request.text.includes(marker));
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
