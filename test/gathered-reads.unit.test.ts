// Gathered reads at the gateway's executor (gateway/gathered-reads.ts), for subgraphs over HTTP:
// identical queries of one credential arriving while one runs wait, and then run as one execution
// whose fetches name each of them as the audience (which the subgraphs audit each of). The
// executor below stands for @apollo/gateway's: it records the context of each execution and
// waits until released; test/shared-reads.test.ts runs the real one through a gateway over HTTP.
import { randomUUID } from 'node:crypto';
import type { GatewayInterface } from '../shared/server/gateway-interface';
import type { GatewayContext } from '../gateway/context';
import { GatheredReads } from '../gateway/gathered-reads';

type Result = { data: unknown; extensions?: Record<string, unknown> };

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** True while `promise` has not settled. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise.catch(() => undefined), new Promise((resolve) => setImmediate(() => resolve(marker)))])) === marker;
}

/** A gateway whose executions each wait for `release()`; a failing one throws once released. */
async function fakeGateway() {
  const releases: (() => void)[] = [];
  const executions: GatewayContext[] = [];
  const behaviour = { throws: false };
  const inner = {
    load: async () => ({
      schema: undefined,
      executor: async ({ context }: { context: GatewayContext }) => {
        executions.push(context);
        await new Promise<void>((resolve) => releases.push(resolve));
        if (behaviour.throws) throw new Error('the plan failed');
        return { data: { execution: executions.length }, extensions: { cost: 1 } };
      },
    }),
    stop: async () => {},
    onSchemaLoadOrUpdate: () => () => {},
  } as unknown as GatewayInterface<GatewayContext>;
  const { executor } = (await new GatheredReads().wrap(inner).load({} as never)) as { executor: (request: unknown) => Promise<Result> };
  const call = (options: { operation?: 'query' | 'mutation'; authorization?: string | null; variables?: object; signal?: AbortSignal } = {}) => {
    const authorization = options.authorization === undefined ? 'Bearer a' : options.authorization;
    const context = { requestId: randomUUID(), correlationId: randomUUID(), clientIp: '10.0.0.1', operationName: 'Dashboard', authorization, signal: options.signal ?? new AbortController().signal } as GatewayContext;
    const answer = executor({ operation: { operation: options.operation ?? 'query' }, queryHash: 'q', request: { operationName: 'Dashboard', variables: options.variables ?? {} }, context });
    return { context, answer };
  };
  /** Lets every execution started so far finish, then lets the executor go on. */
  const release = async () => {
    await turn();
    releases.splice(0).forEach((done) => done());
    await turn();
  };
  return { call, release, executions, behaviour };
}

const idsOf = (calls: { context: GatewayContext }[]) => calls.map((call) => call.context.requestId);
const audienceIds = (context: GatewayContext) => context.audience?.map((member) => member.requestId) ?? null;

describe('gathered reads at the executor', () => {
  it('runs identical queries that arrive while one runs as one execution after it, naming each of them for the audit', async () => {
    const gateway = await fakeGateway();
    const first = gateway.call();
    const gathered = [gateway.call(), gateway.call(), gateway.call()];
    await turn();
    // Nothing more runs while the first does: the others wait for an execution that starts after them.
    expect(gateway.executions).toHaveLength(1);
    expect(audienceIds(gateway.executions[0])).toBeNull();
    for (const call of gathered) expect(await pending(call.answer)).toBe(true);

    await gateway.release();
    expect((await first.answer).data).toEqual({ execution: 1 });
    expect(gateway.executions).toHaveLength(2);
    const group = gateway.executions[1];
    expect(audienceIds(group)).toEqual(idsOf(gathered));
    expect(group.audience!.map((member) => member.correlationId)).toEqual(gathered.map((call) => call.context.correlationId));
    await gateway.release();
    const answers = await Promise.all(gathered.map((call) => call.answer));
    expect(answers.map((answer) => answer.data)).toEqual([{ execution: 2 }, { execution: 2 }, { execution: 2 }]);
    // Each its own top-level extensions: one request's plugins cannot write into another's.
    expect(new Set(answers.map((answer) => answer.extensions)).size).toBe(3);
    // The requests' own contexts are untouched: the audience is the group's execution's.
    for (const call of gathered) expect(call.context.audience).toBeUndefined();
  });

  it('gathers again while a gathered execution runs, and runs a lone waiter as itself', async () => {
    const gateway = await fakeGateway();
    const first = gateway.call();
    const [second, third] = [gateway.call(), gateway.call()];
    await gateway.release();
    const fourth = gateway.call();
    await gateway.release();
    await Promise.all([first, second, third].map((call) => call.answer));
    expect(gateway.executions).toHaveLength(3);
    expect(audienceIds(gateway.executions[1])).toEqual(idsOf([second, third]));
    // Alone in its group: its own context, no audience.
    expect(gateway.executions[2]).toBe(fourth.context);
    await gateway.release();
    await fourth.answer;
    // Then nothing is running: the next identical query runs at once.
    const fifth = gateway.call();
    await turn();
    expect(gateway.executions.at(-1)).toBe(fifth.context);
    await gateway.release();
    await fifth.answer;
  });

  it('never gathers another credential, other variables, a mutation or an anonymous caller', async () => {
    const gateway = await fakeGateway();
    const calls = [
      gateway.call(),
      gateway.call({ authorization: 'Bearer b' }),
      gateway.call({ variables: { first: 2 } }),
      gateway.call({ operation: 'mutation' }),
      gateway.call({ operation: 'mutation' }),
      gateway.call({ authorization: null }),
      gateway.call({ authorization: null }),
    ];
    await turn();
    expect(gateway.executions).toHaveLength(7);
    expect(gateway.executions.every((context) => !context.audience)).toBe(true);
    await gateway.release();
    await Promise.all(calls.map((call) => call.answer));
  });

  it('lets a waiter whose client leaves go at once, out of the audience; the group stops only when every member has left', async () => {
    const gateway = await fakeGateway();
    const first = gateway.call();
    const hangUp = new AbortController();
    const gone = gateway.call({ signal: hangUp.signal });
    const [a, b] = [new AbortController(), new AbortController()];
    const stays = [gateway.call({ signal: a.signal }), gateway.call({ signal: b.signal })];
    await turn();
    hangUp.abort();
    await turn();
    // It runs on its own at once (its fetches stop at once, its signal being aborted).
    expect(gateway.executions.at(-1)).toBe(gone.context);
    await gateway.release();
    await Promise.all([first.answer, gone.answer]);
    const group = gateway.executions.at(-1)!;
    expect(audienceIds(group)).toEqual(idsOf(stays));
    a.abort();
    expect(group.signal.aborted).toBe(false);
    b.abort();
    expect(group.signal.aborted).toBe(true);
    await gateway.release();
    await Promise.all(stays.map((call) => call.answer));
  });

  it("gives every member the group's failure", async () => {
    const gateway = await fakeGateway();
    const first = gateway.call();
    const gathered = [gateway.call(), gateway.call()];
    await gateway.release();
    await first.answer;
    gateway.behaviour.throws = true;
    const failures = gathered.map((call) => call.answer.then(() => null, (error: Error) => error.message));
    await gateway.release();
    expect(await Promise.all(failures)).toEqual(['the plan failed', 'the plan failed']);
  });
});
