// Real graphql-ws clients against the gateway, for subscription tests.
import { createClient, type Client, type ExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import { gatewayUrl } from './graphql';

export function wsClient(authorization: string | null, url = gatewayUrl(), onClosed?: (code: number, reason: string) => void): Client {
  return createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
    retryAttempts: 0,
    on: { closed: (event) => onClosed?.((event as { code: number }).code, (event as { reason: string }).reason) },
  });
}

/** The sink graphql-ws's and graphql-sse's clients both take; each returns the way to stop. */
export interface Sink {
  next(value: unknown): void;
  error(error: unknown): void;
  complete(): void;
}

/** Collects a stream's results; `waitFor(n)` waits for n of them (or an error, or completion), `ended()` for its end. */
export function collectStream(subscribe: (sink: Sink) => () => void) {
  const events: ExecutionResult[] = [];
  const waiters: (() => void)[] = [];
  let error: unknown;
  let completed = false;
  const wake = () => waiters.splice(0).forEach((resolve) => resolve());
  const dispose = subscribe({
    next: (value) => {
      events.push(value as ExecutionResult);
      wake();
    },
    error: (e) => {
      error = e;
      wake();
    },
    complete: () => {
      completed = true;
      wake();
    },
  });
  return {
    events,
    get error() {
      return error;
    },
    get completed() {
      return completed;
    },
    dispose,
    async waitFor(count: number, timeoutMs = 5_000): Promise<ExecutionResult[]> {
      const deadline = Date.now() + timeoutMs;
      while (events.length < count && !error && !completed) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${count} event(s), got ${events.length}`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
      return events;
    },
    /** Waits until the stream completed or failed. */
    async ended(timeoutMs = 5_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!error && !completed) {
        if (Date.now() > deadline) throw new Error(`the stream did not end within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
  };
}

/** Collects a graphql-ws subscription's events. */
export function collect(client: Client, query: string, variables: Record<string, unknown>) {
  return collectStream((sink) => client.subscribe({ query, variables }, sink));
}

export async function metric(url: string, name: string, labels = ''): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line ? Number(line.split(' ').pop()) : 0;
}

export async function eventually(check: () => Promise<boolean>, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
