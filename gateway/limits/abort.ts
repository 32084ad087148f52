// Work stops when the answer is no longer wanted (like Hive Gateway's useUpstreamTimeout, for a
// whole request): each request gets an AbortSignal that fires at GATEWAY_REQUEST_TIMEOUT_MS or
// when the client's connection closes before its answer is sent. Every subgraph fetch of that
// request runs with it (the request's context carries it to the data source: gateway/datasource.ts),
// and an aborted fetch closes its connection, which makes the subgraph stop resolving (shared/limits/abort.ts).
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
