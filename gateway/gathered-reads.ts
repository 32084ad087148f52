// Identical reads by one caller gathered into one execution, where the subgraphs are reached over
// HTTP (issue 16, item 5: in-flight deduplication for the same principal). Shared reads
// (./shared-reads.ts) join an execution already running, which only works when the gateway's own
// audit batch writes every row; over HTTP each subgraph writes its rows itself, for the requests
// its fetch names. So a query arriving while the same query of the same credential (same
// variables, same operation) is running does not join it: it waits with the others that arrive
// meanwhile, and when the running one ends they run as one execution whose fetches name every one
// of them as the audience (shared/trust/audience.ts, as a subscription fan-out does). Each
// subgraph writes each of its rows for each of them, in its one statement, before answering.
// Every request still passes its own checks first (token, limits, rates) and is answered with
// its own copy of the result.
// The execution a request gets starts after it arrived, so it reads every write acknowledged
// before then: unlike a joined read, a gathered one is never older than its request.
import type { GatewayInterface } from '../shared/server/gateway-interface';
import type { AudienceMember } from '../shared/trust/audience';
import type { GatewayContext } from './context';
import { readKeyOf, sharedReadOutcomes, type ReadRequest } from './shared-reads';

type Executor = NonNullable<Awaited<ReturnType<GatewayInterface<GatewayContext>['load']>>['executor']>;
type ExecutionRequest = Parameters<Executor>[0];
type ExecutionResult = Awaited<ReturnType<Executor>>;

/** What a gathered request is given: the group's result, its failure, or null to run on its own (it left). */
type Outcome = { result: ExecutionResult } | { error: unknown } | null;

/** A request waiting for the next execution of its key. */
interface Waiting {
  requestContext: ExecutionRequest;
  context: GatewayContext;
  /** Only the first call counts; `shared` when the execution was made for others too. */
  settle: (outcome: Outcome, shared?: boolean) => void;
}

/** A result for another request: its own top-level objects, so what one request's plugins add is not another's. */
const copyOf = (result: ExecutionResult): ExecutionResult => ({ ...result, ...(result.extensions && { extensions: { ...result.extensions } }) });

const memberOf = (context: GatewayContext): AudienceMember => ({
  requestId: context.requestId,
  correlationId: context.correlationId,
  clientIp: context.clientIp,
  operationName: context.operationName,
});

/** A signal that fires once every one of `signals` has: the group's fetches stop only when nobody waits for them. */
function untilAllAbort(signals: AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  let live = signals.length;
  const leave = () => {
    if (--live === 0) controller.abort(signals[0].reason);
  };
  for (const signal of signals) {
    if (signal.aborted) leave();
    else signal.addEventListener('abort', leave, { once: true });
  }
  return controller.signal;
}

export class GatheredReads {
  /** For each key with an execution running: the requests gathered for the next one. */
  private readonly next = new Map<string, Waiting[]>();

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
              const outcome = await this.wait(waiting, requestContext);
              if (outcome && 'result' in outcome) return outcome.result;
              if (outcome) throw outcome.error;
              // It left (its client gone or its deadline passed): it runs on its own, and its own signal ends that at once.
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

  /** Waits in `waiting` for the next execution; leaves it at once when its own signal fires. */
  private wait(waiting: Waiting[], requestContext: ExecutionRequest): Promise<Outcome> {
    const context = requestContext.context as GatewayContext;
    if (context.signal.aborted) return Promise.resolve(null);
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      const entry: Waiting = {
        requestContext,
        context,
        settle: (outcome, shared = false) => {
          if (settled) return;
          settled = true;
          context.signal.removeEventListener('abort', leave);
          sharedReadOutcomes.inc({ outcome: shared ? 'shared' : 'alone' });
          resolve(outcome);
        },
      };
      const leave = () => {
        const at = waiting.indexOf(entry);
        if (at >= 0) waiting.splice(at, 1);
        entry.settle(null);
      };
      context.signal.addEventListener('abort', leave, { once: true });
      waiting.push(entry);
    });
  }

  /** Runs what gathered under `key` while its execution ran, as one execution, until nothing more gathers. */
  private async runGathered(key: string, execute: Executor): Promise<void> {
    for (let group = this.next.get(key); group?.length; group = this.next.get(key)) {
      this.next.set(key, []);
      const [first] = group;
      const shared = group.length > 1;
      // Several: a context of their own for the execution, whose fetches name each of them and stop only when all have left.
      const context: GatewayContext = shared
        ? { ...first.context, audience: group.map((waiting) => memberOf(waiting.context)), signal: untilAllAbort(group.map((waiting) => waiting.context.signal)) }
        : first.context;
      let outcome: Outcome;
      try {
        outcome = { result: await execute(shared ? ({ ...first.requestContext, context } as ExecutionRequest) : first.requestContext) };
      } catch (error) {
        outcome = { error };
      }
      for (const waiting of group) waiting.settle(outcome && 'result' in outcome && waiting !== first ? { result: copyOf(outcome.result) } : outcome, shared);
    }
    this.next.delete(key);
  }
}
