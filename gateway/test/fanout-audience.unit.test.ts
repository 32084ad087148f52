// An event of a fanned-out subscription goes only to the members its fetches were audited for:
// a subscriber admitted while the event is being completed (its held subscription acknowledged
// meanwhile) has no audit row for that event's fetches, so it starts with the next event.
import { randomUUID } from 'node:crypto';
import type { ExecutionResult } from 'graphql';
import { parse } from 'graphql';
import { SubscriptionFanout } from '../subscriptions/fanout';
import type { PreparedSubscription, SubscriptionRequest } from '../subscriptions/execute';
import type { UpstreamPool } from '../subscriptions/upstream';
import type { GatewayContext } from '../context';
import { HELD_ACK } from '../../shared/trust/audience';

/** An upstream stream the test feeds by hand. */
function stream() {
  const queued: ExecutionResult[] = [];
  let wake: (() => void) | null = null;
  const iterator = {
    async next(): Promise<IteratorResult<ExecutionResult>> {
      while (!queued.length) await new Promise<void>((resolve) => (wake = resolve));
      return { value: queued.shift()!, done: false };
    },
    async return(): Promise<IteratorResult<ExecutionResult>> {
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  const push = (value: ExecutionResult) => {
    queued.push(value);
    wake?.();
    wake = null;
  };
  return { iterator, push };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('subscription fan-out audience', () => {
  it('delivers an event to the members its fetches were audited for, and a later joiner from the next event', async () => {
    const streams: ReturnType<typeof stream>[] = [];
    const upstream = { subscribe: () => streams[streams.push(stream()) - 1].iterator } as unknown as UpstreamPool;
    const audiences: string[][] = [];
    let release: () => void = () => {};
    const prepared: PreparedSubscription = {
      service: 'wearables',
      source: 'subscription { wearableReadingAdded(patientId: "p") { value patient { firstName } } }',
      rootFields: ['wearableReadingAdded'],
      upstreamRequest: () => ({}) as never,
      async complete(event, context) {
        audiences.push((context.audience ?? []).map((member) => member.requestId));
        // The first event waits here until the test lets it go, as a slow fetch would.
        if (audiences.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return event;
      },
    };
    // Each event delivered is reported (an acknowledged write ends shared reads' join windows: gateway/shared-reads.ts).
    let reported = 0;
    const fanout = new SubscriptionFanout(upstream, { onEvent: () => reported++ });
    const planner = {};
    const subscribe = () => {
      const context = { requestId: randomUUID(), correlationId: null, clientIp: null, operationName: null, authorizationContext: 'admin:user_1' } as unknown as GatewayContext;
      const request: SubscriptionRequest = { document: parse(prepared.source), variables: {}, context };
      return { subscription: fanout.open(request, prepared, { planner: () => planner as never }), requestId: context.requestId };
    };

    const owner = subscribe(); // streams[0]: the group's stream
    const early = subscribe(); // streams[1]: its held subscription
    streams[1].push({ extensions: { [HELD_ACK]: true } });
    await settle();

    streams[0].push({ data: { wearableReadingAdded: { value: 1 } } });
    await settle();
    const late = subscribe(); // streams[2], acknowledged while the first event is being completed
    streams[2].push({ extensions: { [HELD_ACK]: true } });
    await settle();
    release();
    const lateFirst = late.subscription.next();

    expect((await owner.subscription.next()).value).toEqual({ data: { wearableReadingAdded: { value: 1 } } });
    expect((await early.subscription.next()).value).toEqual({ data: { wearableReadingAdded: { value: 1 } } });
    expect(audiences[0]).toEqual([owner.requestId, early.requestId]);

    streams[0].push({ data: { wearableReadingAdded: { value: 2 } } });
    // The late subscriber's first event is the second one, completed with it in the audience.
    expect((await lateFirst).value).toEqual({ data: { wearableReadingAdded: { value: 2 } } });
    expect(audiences[1]).toEqual([owner.requestId, early.requestId, late.requestId]);
    expect(reported).toBe(2);
    for (const member of [owner, early, late]) await member.subscription.return?.();
  });
});
