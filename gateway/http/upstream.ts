// The gateway's HTTP client to one subgraph: an undici keep-alive pool per origin (undici's
// request API: no WHATWG Request/Response/stream objects per fetch, which Node's fetch builds),
// each answer read whole, at most maxBytes, before anyone looks at it. Identical reads may share
// one fetch while it is in flight (see `dedupe`), only where the caller says it is safe.
import { Pool } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';

/** A subgraph's answer, read: what the data source, the circuit breaker and Apollo look at. */
export interface UpstreamAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  /** The body as text; undefined when it grew past the limit (then `bytes` is how far it got). */
  text: string | undefined;
  bytes: number;
}

export interface UpstreamRequest {
  headers: Record<string, string>;
  body: string;
  signal?: AbortSignal;
}

export interface UpstreamClientOptions {
  /** The subgraph's GraphQL URL. */
  url: string;
  /** Keep-alive connections kept open to it (SUBGRAPH_CONNECTIONS). */
  connections: number;
  /** Largest body read (RESPONSE_MAX_BYTES): past it the rest is dropped and the answer says so. */
  maxBytes: number;
}

/** Idle connections are closed after this long (a subgraph's own keep-alive is longer: Node's default 5 s is shorter than this, so undici follows the server's hint). */
const KEEP_ALIVE_MS = 30_000;

class Answer implements UpstreamAnswer {
  readonly ok: boolean;
  readonly headers: { get(name: string): string | null };
  constructor(
    readonly status: number,
    raw: IncomingHttpHeaders,
    readonly text: string | undefined,
    readonly bytes: number,
  ) {
    this.ok = status >= 200 && status < 300;
    this.headers = {
      get: (name) => {
        const value = raw[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
    };
  }
}

export interface UpstreamClient {
  send(request: UpstreamRequest): Promise<UpstreamAnswer>;
  /**
   * send(), sharing the fetch with any identical request (same `key`) already in flight. The caller
   * decides what is safe to share: the key must name the principal and the read (never a write, never
   * an audited read). A shared fetch runs to its own deadline, whichever caller leaves.
   */
  dedupe(key: string, request: UpstreamRequest): Promise<UpstreamAnswer>;
  close(): Promise<void>;
}

export function upstreamClient(options: UpstreamClientOptions): UpstreamClient {
  const url = new URL(options.url);
  const pool = new Pool(url.origin, { connections: options.connections, pipelining: 1, keepAliveTimeout: KEEP_ALIVE_MS });
  const path = `${url.pathname}${url.search}`;
  const inFlight = new Map<string, Promise<UpstreamAnswer>>();

  /**
   * Stops reading an answer: undici then emits RequestAbortedError on the body, which, with no
   * listener, is an unhandled 'error' event that takes the process down.
   */
  const discard = (body: NodeJS.ReadableStream & { destroy(): void }) => {
    body.on('error', () => {});
    body.destroy();
  };

  async function send(request: UpstreamRequest): Promise<UpstreamAnswer> {
    const response = await pool.request({ path, method: 'POST', headers: request.headers, body: request.body, signal: request.signal });
    const announced = Number(response.headers['content-length']);
    if (Number.isFinite(announced) && announced > options.maxBytes) {
      discard(response.body);
      return new Answer(response.statusCode, response.headers, undefined, announced);
    }
    const chunks: Buffer[] = [];
    let bytes = 0;
    for await (const chunk of response.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      if (bytes > options.maxBytes) {
        discard(response.body);
        return new Answer(response.statusCode, response.headers, undefined, bytes);
      }
      chunks.push(chunk);
    }
    return new Answer(response.statusCode, response.headers, chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'), bytes);
  }

  return {
    send,
    dedupe(key, request) {
      const running = inFlight.get(key);
      if (running) return running;
      const fetched = send(request).finally(() => inFlight.delete(key));
      inFlight.set(key, fetched);
      return fetched;
    },
    close: () => pool.close(),
  };
}
