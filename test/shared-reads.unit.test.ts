// Shared reads at the gateway's executor (gateway/audit-batch.ts with gateway/shared-reads.ts):
// when a request joins an execution in flight, when it runs on its own instead, and that every
// request's audit rows are in the one statement written before any of them is answered. The
// executor below stands for @apollo/gateway's: it adopts one audit row and waits until released;
// test/shared-reads.test.ts runs the real one through the stack.
import { randomUUID } from 'node:crypto';
import type { AuditWriter } from '../shared/audit/append';
import { serviceLogger } from '../shared/logger';
import type { GatewayInterface } from '../shared/server/gateway-interface';
import { withBatchedAudit } from '../gateway/audit-batch';
import type { GatewayContext } from '../gateway/context';
import { SharedReads, type GatewayExecutionResult } from '../gateway/shared-reads';
import { auditedClient } from '../shared/audit/transactional';
import type { Prisma } from '../shared/db/database';
import { AuditTrail, type AuditMeta } from '../shared/rbac/audit';

/** Records each statement; fails when told to; with `hold()`, a statement completes only at `commit()`. */
function recordingWriter() {
  const statements: { values: unknown[] }[] = [];
  let failing = false;
  let held: (() => void)[] | null = null;
  const writer = {
    $executeRaw: (query: { values: unknown[] }) => {
      statements.push({ values: query.values });
      if (failing) return Promise.reject(new Error('audit store unavailable'));
      return held ? new Promise((resolve) => held!.push(() => resolve(1))) : Promise.resolve(1);
    },
  } as unknown as AuditWriter;
  const hold = () => void (held = []);
  const commit = () => held?.splice(0).forEach((done) => done());
  return { writer, statements, fail: () => void (failing = true), hold, commit };
}

/** True while `promise` has not settled. */
async function pending(promise: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([promise, new Promise((resolve) => setImmediate(() => resolve(marker)))])) === marker;
}

/** A gateway whose executions each adopt one row and wait for `release()`; what each one does is set per test. */
async function fakeGateway(writer: AuditWriter) {
  const releases = new Map<string, () => void>();
  const executions: GatewayContext[] = [];
  const behaviour = { writes: false, throws: false };
  const inner = {
    load: async () => ({
      schema: undefined,
      executor: async ({ context }: { context: GatewayContext }) => {
        executions.push(context);
        const request = { actorId: 'user_admin', actorRole: 'admin', operationName: 'Dashboard', requestId: context.requestId, correlationId: context.correlationId, clientIp: context.clientIp, service: 'patient' };
        context.auditBatch!.adopt(writer, [request], [{ resource: 'profile', action: 'read', patientId: null, decision: 'ALLOW', reason: 'admin' }]);
        if (behaviour.writes) context.auditBatch!.happenedApart();
        await new Promise<void>((resolve) => releases.set(context.requestId, resolve));
        if (behaviour.throws) throw new Error('the plan failed');
        return { data: { execution: executions.length }, extensions: { cost: 1 } };
      },
    }),
    stop: async () => {},
    onSchemaLoadOrUpdate: () => () => {},
  } as unknown as GatewayInterface<GatewayContext>;
  const { executor } = (await withBatchedAudit(inner, serviceLogger('test'), new SharedReads<GatewayExecutionResult>()).load({} as never)) as { executor: (request: unknown) => Promise<GatewayExecutionResult> };
  const call = (options: { operation?: 'query' | 'mutation'; authorization?: string; variables?: object; signal?: AbortSignal } = {}) => {
    const context = { requestId: randomUUID(), correlationId: null, clientIp: '10.0.0.1', operationName: 'Dashboard', authorization: options.authorization ?? 'Bearer a', signal: options.signal ?? new AbortController().signal } as GatewayContext;
    const answer = executor({ operation: { operation: options.operation ?? 'query' }, queryHash: 'q', request: { operationName: 'Dashboard', variables: options.variables ?? {} }, context });
    return { context, answer };
  };
  /** Lets the executions of `calls` (every pending one when none is named) finish; the executor's awaits run first. */
  const release = async (...calls: { context: GatewayContext }[]) => {
    await new Promise((resolve) => setImmediate(resolve));
    for (const id of calls.length ? calls.map((call) => call.context.requestId) : [...releases.keys()]) {
      releases.get(id)?.();
      releases.delete(id);
    }
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { call, release, executions, behaviour };
}

/** The request ids the statement writes rows for (the 4th array of each append). */
const auditedRequestIds = (statement: { values: unknown[] }) => statement.values[3] as string[];

describe('shared reads at the executor', () => {
  it('answers identical queries of one credential from one execution, auditing each in the one statement first', async () => {
    const { writer, statements, hold, commit } = recordingWriter();
    const gateway = await fakeGateway(writer);
    hold();
    const calls = [gateway.call(), gateway.call(), gateway.call()];
    await gateway.release();
    // The audit statement is sent and not yet committed: nobody is answered.
    expect(statements).toHaveLength(1);
    for (const call of calls) expect(await pending(call.answer)).toBe(true);
    commit();
    const answers = await Promise.all(calls.map((call) => call.answer));
    expect(gateway.executions).toHaveLength(1);
    expect(answers.map((answer) => answer.data)).toEqual([{ execution: 1 }, { execution: 1 }, { execution: 1 }]);
    // Each its own top-level extensions: one request's plugins cannot write into another's.
    expect(new Set(answers.map((answer) => answer.extensions)).size).toBe(3);
    expect(statements).toHaveLength(1);
    expect(auditedRequestIds(statements[0]).sort()).toEqual(calls.map((call) => call.context.requestId).sort());
  });

  it('never joins another credential, other variables or a mutation', async () => {
    const { writer } = recordingWriter();
    const gateway = await fakeGateway(writer);
    const calls = [gateway.call(), gateway.call({ authorization: 'Bearer b' }), gateway.call({ variables: { first: 2 } }), gateway.call({ operation: 'mutation' }), gateway.call({ operation: 'mutation' })];
    await gateway.release();
    await Promise.all(calls.map((call) => call.answer));
    expect(gateway.executions).toHaveLength(5);
  });

  it('joins no read that started before a mutation was answered', async () => {
    const { writer } = recordingWriter();
    const gateway = await fakeGateway(writer);
    const running = gateway.call();
    const write = gateway.call({ operation: 'mutation' });
    await gateway.release(write);
    await write.answer;
    // Identical to `running`, which may have read before the write: it runs on its own.
    const after = gateway.call();
    await gateway.release();
    await Promise.all([running.answer, after.answer]);
    expect(gateway.executions.map((context) => context.requestId)).toEqual([running, write, after].map((call) => call.context.requestId));
  });

  it('runs a joined request on its own when the result cannot be shared: a write or a fetch over HTTP, a failure, an abandoned first request', async () => {
    const { writer, statements } = recordingWriter();
    const gateway = await fakeGateway(writer);
    gateway.behaviour.writes = true;
    const [first, joined] = [gateway.call(), gateway.call()];
    await gateway.release();
    await gateway.release();
    await Promise.all([first.answer, joined.answer]);
    expect(gateway.executions.map((context) => context.requestId)).toEqual([first.context.requestId, joined.context.requestId]);
    // Each execution's statement has its own request's rows only.
    expect(statements.map(auditedRequestIds)).toEqual([[first.context.requestId], [joined.context.requestId]]);

    gateway.behaviour.writes = false;
    gateway.behaviour.throws = true;
    const [failing, afterFailure] = [gateway.call(), gateway.call()];
    await gateway.release();
    await expect(failing.answer).rejects.toThrow('the plan failed');
    gateway.behaviour.throws = false;
    await gateway.release();
    expect((await afterFailure.answer).data).toBeDefined();
    expect(gateway.executions.at(-1)!.requestId).toBe(afterFailure.context.requestId);

    const hangUp = new AbortController();
    const [abandoned, afterAbandon] = [gateway.call({ signal: hangUp.signal }), gateway.call()];
    hangUp.abort();
    await gateway.release();
    await abandoned.answer;
    await gateway.release();
    await afterAbandon.answer;
    expect(gateway.executions.at(-1)!.requestId).toBe(afterAbandon.context.requestId);
  });

  it('lets a joined request whose client leaves go at once, with no rows written for it', async () => {
    const { writer, statements } = recordingWriter();
    const gateway = await fakeGateway(writer);
    const first = gateway.call();
    const hangUp = new AbortController();
    const gone = gateway.call({ signal: hangUp.signal });
    const stays = gateway.call();
    await new Promise((resolve) => setImmediate(resolve));
    hangUp.abort();
    // It runs on its own (its fetches would stop at once, its signal being aborted).
    await new Promise((resolve) => setImmediate(resolve));
    expect(gateway.executions.map((context) => context.requestId)).toEqual([first.context.requestId, gone.context.requestId]);
    await gateway.release();
    await Promise.all([first.answer, gone.answer, stays.answer]);
    const shared = statements.find((statement) => auditedRequestIds(statement).includes(first.context.requestId))!;
    expect(auditedRequestIds(shared).sort()).toEqual([first.context.requestId, stays.context.requestId].sort());
  });

  it('withholds every shared answer when their audit statement fails', async () => {
    const { writer, statements, fail } = recordingWriter();
    const gateway = await fakeGateway(writer);
    fail();
    const calls = [gateway.call(), gateway.call()];
    await gateway.release();
    const answers = await Promise.all(calls.map((call) => call.answer));
    expect(statements).toHaveLength(1);
    for (const answer of answers) {
      expect(answer.data).toBeNull();
      expect(answer.errors!.map((error) => error.extensions?.code)).toEqual(['AUDIT_UNAVAILABLE']);
    }
  });

  it("is told of every write a subgraph's audited client sends, and of no read (what keeps a result that wrote from being shared)", async () => {
    const sent: string[] = [];
    const statement = (name: string) => ({ then: (resolve: (value: unknown) => void) => resolve(sent.push(name)), requestTransaction: () => undefined });
    const prisma = {
      profile: { findMany: () => statement('findMany'), update: () => statement('update') },
      $queryRaw: () => statement('$queryRaw'),
      $executeRaw: () => statement('$executeRaw'),
      $transaction: async (work: unknown) => (typeof work === 'function' ? work(prisma) : Promise.all(work as unknown[])),
    };
    let writes = 0;
    const meta = { caller: { role: 'admin', userId: 'user_admin' }, service: 'patient', operationName: null, requestId: randomUUID(), correlationId: null, clientIp: null } as unknown as AuditMeta;
    const client = auditedClient({ prisma: prisma as unknown as Prisma, trail: new AuditTrail(), meta, receipt: null, onWrite: () => writes++ }) as unknown as typeof prisma;
    await client.profile.findMany();
    await client.$queryRaw();
    expect(writes).toBe(0);
    await client.profile.update();
    await client.$executeRaw();
    await client.$transaction(async () => 1);
    expect(writes).toBe(3);
    expect(sent).toEqual(['findMany', '$queryRaw', 'update', '$executeRaw']);
  });
});
