// The pure parts of the outbox and of idempotency keys: subscribers see each event id once;
// a request's hash does not depend on the order of its variables; which first answers are kept.
import { dedupeEvents, type EventEnvelope } from '../shared/outbox';
import { backoffMs } from '../shared/outbox/relay';
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
