// Work stops when the answer is no longer wanted (like Hive Gateway's useUpstreamTimeout, for a
// whole request): each request gets an AbortSignal that fires at GATEWAY_REQUEST_TIMEOUT_MS or
// when the client's connection closes before its answer is sent. Every subgraph fetch of that
// request runs with it (AsyncLocalStorage carries it to the data source's fetcher), and an
// aborted fetch closes its connection, which makes the subgraph stop resolving (shared/limits/abort.ts).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerResponse } from 'node:http';
import { abandonedWhenClosed } from '../../shared/limits/abort';

export interface RequestDeadlineOptions {
  /** The whole operation's deadline (GATEWAY_REQUEST_TIMEOUT_MS, default 30 s). */
  timeoutMs: number;
}

/** Aborted at the deadline or when the client goes away, whichever comes first. */
export function requestSignal(res: ServerResponse, options: RequestDeadlineOptions): AbortSignal {
  return AbortSignal.any([abandonedWhenClosed(res), AbortSignal.timeout(options.timeoutMs)]);
}

const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `work` (a subgraph fetch) with the request's signal in reach of the fetcher. */
export function withRequestSignal<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  return signal ? current.run(signal, work) : work();
}

/** The signal of the request this fetch serves, if any. */
export function currentRequestSignal(): AbortSignal | undefined {
  return current.getStore();
}
