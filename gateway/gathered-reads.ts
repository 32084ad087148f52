// Identical reads by one caller gathered into one execution (issue 16, item 5: in-flight
// deduplication for the same principal; SHARED_READS=gather, the default with a database server,
// and what a joining gateway does when a subgraph is over HTTP). Joined reads (./shared-reads.ts)
// join an execution already running: that needs the gateway's own audit batch to write every row,
// and one process to own the database. Here a query arriving while the same query of the same
// credential (same variables, same operation) is running does not join it: it waits with the
// others that arrive meanwhile, and when the running one ends they run as one execution whose
// fetches name each of them as the audience (shared/trust/audience.ts, as a subscription fan-out
// does). Each subgraph writes each of its rows for each of them in its one statement before
// answering (an in-process one hands them to the operation's audit batch, written before the
// result returns). Every request still passes its own checks first (token, limits, rates) and
// gets its own copy of the result.
// The execution a request gets starts after it arrived, so it reads every write acknowledged
// before then, whichever process wrote: a gathered read is never older than its request. A
// request waits at most for the rest of the running execution.
// A request whose own signal fires while it waits (its client gone, its deadline passed) stops
// waiting and runs on its own, which its signal ends at once: it gets the error it would have got
// alone. If its group had already started, the group's rows for it are written all the same.
import type { GatewayInterface } from '../shared/server/gateway-interface';
import type { AudienceMember } from '../shared/trust/audience';
import type { GatewayContext } from './context';
import { copyOf, readKeyOf, waitIn, type ExecutionRequest, type GatewayExecutionResult, type GatewayExecutor, type ReadRequest, type Waiter } from './shared-reads';

/** What a gathered request is given: the group's result or its failure (null: run on its own). */
type Outcome = { result: GatewayExecutionResult } | { error: unknown };

/** A request waiting for the next execution of its key. */
interface Gathered extends Waiter<Outcome> {
  requestContext: ExecutionRequest;
}

const contextOf = (gathered: Gathered) => gathered.requestContext.context as GatewayContext;

/** A member of a group's audience: named in this execution only (its rows are not remembered for later events, as a subscriber's are). */
const memberOf = ({ requestId, correlationId, clientIp, operationName }: GatewayContext): AudienceMember => ({ requestId, correlationId, clientIp, operationName, once: true });

/**
 * A signal that fires once every one of `signals` has (two requests of one streaming connection
 * share its signal: counted once), so a group's fetches stop only when nobody waits for them; and
 * the release of its listeners, for once the group is done.
 */
function untilAllAbort(signals: AbortSignal[]): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const distinct = new Set(signals);
  let live = distinct.size;
  const leave = (event: Event) => {
    if (--live === 0) controller.abort((event.target as AbortSignal).reason);
  };
  for (const signal of distinct) {
    if (signal.aborted) live--;
    else signal.addEventListener('abort', leave, { once: true });
  }
  if (live === 0) controller.abort();
  return { signal: controller.signal, release: () => distinct.forEach((signal) => signal.removeEventListener('abort', leave)) };
}

export class GatheredReads {
  /** For each key with an execution running: the requests gathered for the next one. */
  private readonly next = new Map<string, Gathered[]>();

  /** `gateway` with identical reads of one credential gathered while one runs. */
  wrap(gateway: GatewayInterface<GatewayContext>): GatewayInterface<GatewayContext> {
    return {
      load: async (options) => {
        const loaded = await gateway.load(options);
        const execute = loaded.executor;
        if (!execute) return loaded;
        return {
          executor: async (requestContext) => {
            const key = readKeyOf(requestContext as typeof requestContext & ReadRequest);
            if (key === null) return execute(requestContext);
            const waiting = this.next.get(key);
            if (waiting) {
              const outcome = await waitIn<Outcome, Gathered>(waiting, (requestContext.context as GatewayContext).signal, (settle) => ({ requestContext, settle }));
              if (outcome && 'result' in outcome) return outcome.result;
              if (outcome) throw outcome.error;
              return execute(requestContext);
            }
            this.next.set(key, []);
            try {
              return await execute(requestContext);
            } finally {
              void this.runGathered(key, execute);
            }
          },
        };
      },
      stop: () => gateway.stop(),
      onSchemaLoadOrUpdate: (callback) => gateway.onSchemaLoadOrUpdate(callback),
    };
  }

  /** Runs what gathered under `key` while its execution ran, as one execution, until nothing more gathers; never throws. */
  private async runGathered(key: string, execute: GatewayExecutor): Promise<void> {
    let group: Gathered[] | undefined;
    try {
      for (group = this.next.get(key); group?.length; group = this.next.get(key)) {
        this.next.set(key, []);
        await this.runGroup(group, execute);
      }
    } finally {
      // Whatever happened, nobody is left waiting (one not given an outcome runs on its own), and the key is free.
      for (const gathered of [...(group ?? []), ...(this.next.get(key) ?? [])]) gathered.settle(null);
      this.next.delete(key);
    }
  }

  /** One execution for `group`: alone, a request runs as itself; several run with a context of their own naming each of them. */
  private async runGroup(group: Gathered[], execute: GatewayExecutor): Promise<void> {
    const [first] = group;
    if (group.length === 1) {
      first.settle(await execute(first.requestContext).then((result) => ({ result }), (error: unknown) => ({ error })), false);
      return;
    }
    const members = group.map(contextOf);
    const { signal, release } = untilAllAbort(members.map((context) => context.signal));
    const context: GatewayContext = { ...contextOf(first), audience: members.map(memberOf), signal };
    let outcome: Outcome;
    try {
      outcome = { result: await execute({ ...first.requestContext, context } as ExecutionRequest) };
    } catch (error) {
      outcome = { error };
    } finally {
      release();
    }
    for (const gathered of group) gathered.settle('result' in outcome && gathered !== first ? { result: copyOf(outcome.result) } : outcome, true);
  }
}
