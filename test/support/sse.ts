// Real graphql-sse clients against the gateway's /graphql/stream, for subscription tests.
import { createClient, type Client, type ExecutionResult, type RequestParams } from 'graphql-sse';
import { gatewayUrl } from './graphql';

export function sseClient(authorization: string | null, options: { singleConnection?: boolean; url?: string } = {}): Client {
  return createClient<boolean>({
    url: `${options.url ?? gatewayUrl()}/graphql/stream`,
    headers: authorization ? { authorization } : {},
    singleConnection: options.singleConnection ?? false,
    retryAttempts: 0,
  } as never) as Client;
}

/** Collects an operation's results; `waitFor(n)` waits for n of them (or an error, or completion). */
export function collectSse(client: Client, request: RequestParams) {
  const events: ExecutionResult[] = [];
  const waiters: (() => void)[] = [];
  let error: unknown;
  let completed = false;
  const wake = () => waiters.splice(0).forEach((resolve) => resolve());
  const dispose = client.subscribe(request, {
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
