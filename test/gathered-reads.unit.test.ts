// Gathered reads at the gateway's executor (gateway/gathered-reads.ts), for subgraphs over HTTP:
// identical queries of one credential arriving while one runs wait, and then run as one execution
// whose fetches name each of them as the audience (which the subgraphs audit each of). The
// executor below stands for @apollo/gateway's: it records the context of each execution and
// waits until released; test/shared-reads.test.ts runs the real one through a gateway over HTTP.
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import type { AuditWriter } from '../shared/audit/append';
import { serviceLogger } from '../shared/logger';
import { AuditTrail } from '../shared/rbac/audit';
import type { GatewayInterface } from '../shared/server/gateway-interface';
import { withBatchedAudit } from '../gateway/audit-batch';
import type { GatewayContext } from '../gateway/context';
import { GatheredReads } from '../gateway/gathered-reads';

type Result = { data: unknown; extensions?: Record<string, unknown> };

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** True while `promise` has not settled. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise.catch(() => undefined), new Promise((resolve) => setImmediate(() => resolve(marker)))])) === marker;
}

/** Records each statement's values; fails when told to; with `hold()`, a statement completes only at `commit()`. */
function recordingWriter() {
  const statements: unknown[][] = [];
  let failing = false;
  let held: (() => void)[] | null = null;
  const writer = {
    $executeRaw: (query: { values: unknown[] }) => {
      statements.push(query.values);
      if (failing) return Promise.reject(new Error('audit store unavailable'));
      return held ? new Promise((resolve) => held!.push(() => resolve(1))) : Promise.resolve(1);
    },
  } as unknown as AuditWriter;
  return { writer, statements, fail: () => void (failing = true), hold: () => void (held = []), commit: () => held?.splice(0).forEach((done) => done()) };
}

/**
 * A gateway whose executions each wait for `release()`; a failing one throws once released. Given
 * a writer, it stands for in-process subgraphs: the operation's audit batch (withBatchedAudit)
 * is under the gathering, and each execution's subgraph hands it one decision, as a subgraph's
 * trail does, for the request or each of its audience.
 */
async function fakeGateway(audit?: { writer: AuditWriter }) {
  const releases: (() => void)[] = [];
  const executions: GatewayContext[] = [];
  const behaviour = { throws: false };
  const inner = {
    load: async () => ({
      schema: undefined,
      executor: async ({ context }: { context: GatewayContext }) => {
        const execution = executions.push(context);
        if (audit) {
          const trail = new AuditTrail();
          trail.record({ resource: 'profile', action: 'read', patientId: null, allowed: true, reason: 'admin' });
          const meta = { caller: { userId: 'user_admin', role: 'admin', patientId: null }, service: 'patient', operationName: 'Dashboard', requestId: context.requestId, correlationId: null, clientIp: null, audience: context.audience };
          await trail.flush(audit.writer, meta as never, context.auditBatch);
        }
        await new Promise<void>((resolve) => releases.push(resolve));
        if (behaviour.throws) throw new Error('the plan failed');
        return { data: { execution }, extensions: { cost: 1 } };
      },
    }),
    stop: async () => {},
    onSchemaLoadOrUpdate: () => () => {},
  } as unknown as GatewayInterface<GatewayContext>;
  const gathered = new GatheredReads().wrap(audit ? withBatchedAudit(inner, serviceLogger('test')) : inner);
  const { executor } = (await gathered.load({} as never)) as { executor: (request: unknown) => Promise<Result> };
  type CallOptions = { operation?: 'query' | 'mutation'; authorization?: string | null; variables?: object; signal?: AbortSignal; operationName?: string; queryHash?: string };
  const call = (options: CallOptions = {}) => {
    const authorization = options.authorization === undefined ? 'Bearer a' : options.authorization;
    const operationName = options.operationName ?? 'Dashboard';
    const context = { requestId: randomUUID(), correlationId: randomUUID(), clientIp: '10.0.0.1', operationName, authorization, signal: options.signal ?? new AbortController().signal } as GatewayContext;
    const answer = executor({ operation: { operation: options.operation ?? 'query' }, queryHash: options.queryHash ?? 'q', request: { operationName, variables: options.variables ?? {} }, context });
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
    // Named in this execution only: the subgraphs need not remember their rows for later events.
    expect(group.audience!.every((member) => member.once)).toBe(true);
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

  it('never gathers another credential, other variables, another operation, a mutation or an anonymous caller', async () => {
    const gateway = await fakeGateway();
    const calls = [
      gateway.call(),
      gateway.call({ authorization: 'Bearer b' }),
      gateway.call({ variables: { first: 2 } }),
      gateway.call({ operationName: 'Other' }),
      gateway.call({ queryHash: 'another text' }),
      gateway.call({ operation: 'mutation' }),
      gateway.call({ operation: 'mutation' }),
      gateway.call({ authorization: null }),
      gateway.call({ authorization: null }),
    ];
    await turn();
    expect(gateway.executions).toHaveLength(9);
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

  it('lets a member whose client leaves while its group runs get what it would alone; its rows are in the group\'s', async () => {
    const gateway = await fakeGateway();
    const first = gateway.call();
    const hangUp = new AbortController();
    const leaves = gateway.call({ signal: hangUp.signal });
    const stays = gateway.call();
    await gateway.release();
    await first.answer;
    const group = gateway.executions.at(-1)!;
    expect(audienceIds(group)).toEqual(idsOf([leaves, stays]));
    hangUp.abort();
    await turn();
    // It runs on its own, its own signal (aborted) ending its fetches at once; the group goes on.
    expect(gateway.executions.at(-1)).toBe(leaves.context);
    expect(group.signal.aborted).toBe(false);
    await gateway.release();
    expect((await leaves.answer).data).toEqual({ execution: 3 });
    expect((await stays.answer).data).toEqual({ execution: 2 });
  });

  it("counts a streaming connection's one signal once for its requests, and lets go of every listener", async () => {
    const gateway = await fakeGateway();
    const connection = new AbortController();
    const first = gateway.call({ signal: connection.signal });
    const [a, b] = [gateway.call({ signal: connection.signal }), gateway.call({ signal: connection.signal })];
    await gateway.release();
    await first.answer;
    const group = gateway.executions.at(-1)!;
    expect(audienceIds(group)).toEqual(idsOf([a, b]));
    await gateway.release();
    await Promise.all([a.answer, b.answer]);
    expect(getEventListeners(connection.signal, 'abort')).toHaveLength(0);

    const other = new AbortController();
    const lead = gateway.call({ signal: connection.signal });
    const both = [gateway.call({ signal: connection.signal }), gateway.call({ signal: other.signal }), gateway.call({ signal: connection.signal })];
    await gateway.release();
    await lead.answer;
    const second = gateway.executions.at(-1)!;
    other.abort();
    // The connection's signal has not fired: its requests still wait for the group.
    expect(second.signal.aborted).toBe(false);
    // Once it fires, nobody waits: the group's fetches stop.
    connection.abort();
    expect(second.signal.aborted).toBe(true);
    await gateway.release();
    await Promise.all(both.map((call) => call.answer));
  });

  it('with in-process subgraphs, writes every member\'s rows in the one statement before any of them is answered; its failure reaches each', async () => {
    const { writer, statements, hold, commit, fail } = recordingWriter();
    const gateway = await fakeGateway({ writer });
    const first = gateway.call();
    const gathered = [gateway.call(), gateway.call()];
    await gateway.release();
    await first.answer;
    expect(statements).toHaveLength(1);
    hold();
    await gateway.release();
    // The group's statement is sent and not yet committed: nobody is answered.
    expect(statements).toHaveLength(2);
    for (const call of gathered) expect(await pending(call.answer)).toBe(true);
    expect((statements[1][3] as string[]).sort()).toEqual(idsOf(gathered).sort());
    commit();
    expect((await Promise.all(gathered.map((call) => call.answer))).map((answer) => answer.data)).toEqual([{ execution: 2 }, { execution: 2 }]);

    fail();
    const again = [gateway.call(), gateway.call(), gateway.call()];
    await gateway.release();
    await gateway.release();
    for (const answer of await Promise.all(again.map((call) => call.answer))) {
      expect(answer.data).toBeNull();
      expect((answer as { errors?: { extensions?: { code?: string } }[] }).errors!.map((error) => error.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    }
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
