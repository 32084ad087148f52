// Identical reads by one caller that are in flight at once share one execution (issue 16, item
// 5: in-flight deduplication only where it is safe, for the same principal). A query arriving
// while the same query with the same variables and the same credential (the Authorization header
// itself, so the same claims, role and scopes) is running joins it instead of running again.
// Every request is still checked on its own before execution (limits, rates, its token), and
// still audited: the running execution's audit batch (shared/rbac/audit-batch.ts) writes each of
// its rows once for every request that joined, with that request's id, correlation id and client
// address, in the same statement and before any of them is answered.
// A join is given up, and the request runs on its own, when the result cannot be shared honestly:
// a fetch went over HTTP (its subgraph audited only the first request), a subgraph wrote, the
// execution threw, or the first request was abandoned (its fetches were cut short).
// A read joins only reads that started before it, so it may miss a write committed between the
// two starts; a mutation answered or a subscription event delivered by this process ends every
// join window at once, so a client never reads older data than a write it was told about here.
// A write acknowledged by another process (a worker, a replica) does not: reads are joined by
// default only on the embedded database, which one process owns (SHARED_READS=join); elsewhere
// they are gathered (./gathered-reads.ts). This module also holds what both modes share: the key,
// the waiting, the copies of a result and the metric.
import client from 'prom-client';
import { registry } from '../shared/metrics';
import type { SharingRequest } from '../shared/rbac/audit-batch';
import type { GatewayInterface } from '../shared/server/gateway-interface';
import type { GatewayContext } from './context';

/** @apollo/gateway's executor, as the wrappers around it (joined and gathered reads, the audit batch) see it. */
export type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface<GatewayContext>['load']>>['executor']>;
export type ExecutionRequest = Parameters<GatewayExecutor>[0];
export type GatewayExecutionResult = Awaited<ReturnType<GatewayExecutor>>;

/** A result for another request: its own top-level objects, so what one request's plugins add is not another's. */
export const copyOf = (result: GatewayExecutionResult): GatewayExecutionResult => ({ ...result, ...(result.extensions && { extensions: { ...result.extensions } }) });

/** What of Apollo Server's request context for the gateway's executor decides whether it may share. */
export interface ReadRequest {
  operation: { operation: string };
  queryHash: string;
  request: { operationName?: string; variables?: Record<string, unknown> };
  context: GatewayContext;
}

/** A request waiting for an outcome: null to run on its own; `shared` (by default: an outcome was given) when it came from an execution made for others too. */
export interface Waiter<O> {
  /** Only the first call counts. */
  settle: (outcome: O | null, shared?: boolean) => void;
}

/** A request waiting for a running execution's outcome. */
export interface Joiner<R> extends Waiter<R> {
  request: SharingRequest;
}

/** A running execution others may join until `close()` returns them. */
export interface Lead<R> {
  /** Ends the join window: the requests that joined, each to be `settle`d. */
  close(): Joiner<R>[];
}

/**
 * The key under which `request` may share an execution with identical ones, or null when it may
 * not: not a query, no credential (an anonymous caller has no principal to be the same as), or a
 * fan-out's fetch (already made for many).
 */
export function readKeyOf({ operation, queryHash, request, context }: ReadRequest): string | null {
  if (operation.operation !== 'query' || !context.authorization || context.audience?.length) return null;
  return `${context.authorization}\n${request.operationName ?? ''}\n${queryHash}\n${JSON.stringify(request.variables ?? {})}`;
}

/** Requests answered from an execution made for another one too ("shared"), or that ran on their own after waiting ("alone"). */
export const sharedReadOutcomes = new client.Counter({
  name: 'gateway_shared_reads_total',
  help: 'Queries that waited on an identical query of the same credential: "shared" (answered from one execution made for several, each audited as its own) or "alone" (run on their own: the result could not be shared, or nobody else waited)',
  labelNames: ['outcome'],
  registers: [registry],
});

/**
 * Waits in `queue` as the waiter `make` builds around its settle, until settled. When `signal`
 * fires first (its client gone, its deadline passed) it leaves the queue at once and is settled
 * null (it runs on its own, and its own signal ends that at once).
 */
export function waitIn<O, W extends Waiter<O>>(queue: W[], signal: AbortSignal, make: (settle: Waiter<O>['settle']) => W): Promise<O | null> {
  if (signal.aborted) return Promise.resolve(null);
  return new Promise<O | null>((resolve) => {
    let settled = false;
    const waiter = make((outcome, shared = outcome !== null) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', leave);
      sharedReadOutcomes.inc({ outcome: shared ? 'shared' : 'alone' });
      resolve(outcome);
    });
    const leave = () => {
      const at = queue.indexOf(waiter);
      if (at >= 0) queue.splice(at, 1);
      waiter.settle(null);
    };
    signal.addEventListener('abort', leave, { once: true });
    queue.push(waiter);
  });
}

export class SharedReads<R> {
  /** The requests waiting on each running execution, by key. */
  private running = new Map<string, Joiner<R>[]>();

  /**
   * Joins the execution running under `key`, if one is: its outcome, once it has one. A request
   * whose own signal fires first (its client gone, its deadline passed) leaves at once, with no
   * rows written for it, and runs on its own (its fetches then stop as they would unshared).
   */
  join(key: string, context: GatewayContext): Promise<R | null> | null {
    const joiners = this.running.get(key);
    if (!joiners) return null;
    const request = { requestId: context.requestId, correlationId: context.correlationId, clientIp: context.clientIp, operationName: context.operationName };
    return waitIn<R, Joiner<R>>(joiners, context.signal, (settle) => ({ request, settle }));
  }

  /** Opens `key`'s join window for an execution starting now. */
  lead(key: string): Lead<R> {
    const joiners: Joiner<R>[] = [];
    this.running.set(key, joiners);
    return {
      close: () => {
        if (this.running.get(key) === joiners) this.running.delete(key);
        return joiners;
      },
    };
  }

  /** A write was acknowledged: no read that started before it is joined any more. */
  endJoinWindows(): void {
    if (this.running.size) this.running = new Map();
  }
}
