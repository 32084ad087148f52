// The pure parts of the outbox and of idempotency keys: subscribers see each event id once;
// a request's hash does not depend on the order of its variables; which first answers are kept;
// a relay publishes a row committed in its process without reading it back, and leaves a failed one to a pass.
import { dedupeEvents, wakeRelays, type EventEnvelope } from '../shared/outbox';
import { backoffMs, startOutboxRelay } from '../shared/outbox/relay';
import { LocalPubSub } from '../shared/pubsub';
import { isFinal, requestHash } from '../gateway/idempotency';

describe('dedupeEvents', () => {
  it('passes each event id once, in order, and ends when the source ends', async () => {
    const pubsub = new LocalPubSub();
    const events = dedupeEvents<number>(pubsub.subscribe<EventEnvelope<number>>('t'));
    for (const [eventId, payload] of [['a', 1], ['b', 2], ['a', 1], ['c', 3], ['b', 2]] as const) await pubsub.publish('t', { eventId, payload });
    const seen = [(await events.next()).value, (await events.next()).value, (await events.next()).value];
    expect(seen).toEqual([1, 2, 3]);
    await events.return!();
    expect((await events.next()).done).toBe(true);
    await pubsub.close();
  });

  it('forgets the oldest ids beyond its window (bounded memory)', async () => {
    const pubsub = new LocalPubSub();
    const events = dedupeEvents<string>(pubsub.subscribe<EventEnvelope<string>>('t'), 2);
    for (const id of ['a', 'b', 'c', 'a']) await pubsub.publish('t', { eventId: id, payload: id });
    expect([(await events.next()).value, (await events.next()).value, (await events.next()).value, (await events.next()).value]).toEqual(['a', 'b', 'c', 'a']);
    await events.return!();
    await pubsub.close();
  });
});

describe('the relay backoff', () => {
  it('doubles from 100 ms up to its cap', () => {
    expect([1, 2, 3, 4, 10, 50].map((attempt) => backoffMs(attempt, 1_000))).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });
});

describe('idempotency key requests', () => {
  it('hashes the same operation and variables alike whatever their key order, and others apart', () => {
    const a = requestHash('Create', 'mutation Create { x }', { b: 1, a: { d: [1, 2], c: null } });
    expect(requestHash('Create', 'mutation Create { x }', { a: { c: null, d: [1, 2] }, b: 1 })).toBe(a);
    expect(requestHash('Create', 'mutation Create { x }', { a: { c: null, d: [2, 1] }, b: 1 })).not.toBe(a);
    expect(requestHash('Other', 'mutation Create { x }', { b: 1, a: { d: [1, 2], c: null } })).not.toBe(a);
  });

  it('keeps answers that did something or that the client caused; gives up our failures that did nothing', () => {
    expect(isFinal({ data: { createProtocol: { id: '1' } } })).toBe(true);
    expect(isFinal({ data: null, errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] })).toBe(true);
    expect(isFinal({ data: { x: { id: '1' }, y: null }, errors: [{ message: 'down', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] })).toBe(true);
    expect(isFinal({ data: { x: null }, errors: [{ message: 'down', extensions: { code: 'SUBGRAPH_UNAVAILABLE' } }] })).toBe(false);
    expect(isFinal({ data: null, errors: [{ message: 'oops', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] })).toBe(false);
    expect(isFinal({ errors: [{ message: 'oops' }] })).toBe(false);
  });
});

describe('the relay and rows committed in its process', () => {
  /** A database that has no rows to claim and records the statements it is sent. */
  const fakeSql = () => {
    const statements: { sql: string; params?: unknown[] }[] = [];
    const sql = {
      statements,
      async query<T>(text: string, params?: unknown[]): Promise<T[]> {
        statements.push({ sql: text, params });
        return [];
      },
      execInTransaction: async () => {},
      withAdvisoryLock: <T>(_key: number, fn: () => Promise<T>) => fn(),
    };
    return sql;
  };
  const silent = { warn: () => {}, error: () => {}, info: () => {}, debug: () => {} } as never;
  const row = { id: '00000000-0000-4000-8000-000000000001', events: [{ id: 'e1', topic: 't', payload: { value: 1 } }] };

  it('publishes a committed row without claiming it back, then marks it published', async () => {
    const sql = fakeSql();
    const pubsub = new LocalPubSub();
    const relay = startOutboxRelay({ sql, pubsub, log: silent, pollMs: 60_000 });
    await relay.drained(); // the start-up pass: nothing waits for a retry
    const claimsBefore = sql.statements.filter((s) => s.sql.includes('FOR UPDATE SKIP LOCKED')).length;
    const events = pubsub.subscribe<EventEnvelope<{ value: number }>>('t');
    wakeRelays([row]);
    const { value } = await events.next();
    expect(value).toMatchObject({ eventId: 'e1', payload: { value: 1 } });
    const marked = () => sql.statements.some((s) => s.sql.includes('SET published_at = now()') && JSON.stringify(s.params).includes(row.id));
    for (let tick = 0; tick < 100 && !marked(); tick++) await new Promise((resolve) => setImmediate(resolve));
    expect(marked()).toBe(true);
    expect(sql.statements.filter((s) => s.sql.includes('FOR UPDATE SKIP LOCKED')).length).toBe(claimsBefore);
    await relay.stop();
    await events.return!();
    await pubsub.close();
  });

  it('leaves a row it could not publish to a pass, which retries it', async () => {
    const sql = fakeSql();
    const pubsub = new LocalPubSub();
    const failing = { ...pubsub, publish: async () => Promise.reject(new Error('down')) };
    const broken = startOutboxRelay({ sql, pubsub: failing as never, log: silent, pollMs: 60_000 });
    await broken.drained(); // the start-up pass: nothing waits for a retry
    sql.statements.length = 0;
    wakeRelays([row]);
    await broken.drained();
    expect(sql.statements.some((s) => s.sql.includes('SET published_at = now()'))).toBe(false);
    expect(sql.statements.some((s) => s.sql.includes('FOR UPDATE SKIP LOCKED'))).toBe(true);
    await broken.stop();
    await pubsub.close();
  });
});
