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

/** Collects a subscription's events; `next()` waits for the next one (or fails after `timeoutMs`). */
export function collect(client: Client, query: string, variables: Record<string, unknown>) {
  const events: ExecutionResult[] = [];
  const waiters: (() => void)[] = [];
  let error: unknown;
  let completed = false;
  const dispose = client.subscribe(
    { query, variables },
    {
      next: (value) => {
        events.push(value as ExecutionResult);
        waiters.splice(0).forEach((wake) => wake());
      },
      error: (e) => {
        error = e;
        waiters.splice(0).forEach((wake) => wake());
      },
      complete: () => {
        completed = true;
        waiters.splice(0).forEach((wake) => wake());
      },
    },
  );
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
  };
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
