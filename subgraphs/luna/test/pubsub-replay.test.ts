// Replayable topics of shared/pubsub, which Luna's turn events travel on: a late subscriber
// reads the kept events, then live ones, each once and in order, with no gap between the two;
// a restart opens a new window; kept events expire; with Redis this holds across replicas
// (one process publishes, another subscribes).
import { LocalPubSub, RedisPubSub, type PubSub } from '../../../shared/pubsub';
import { startPrivateRedis, type PrivateRedis } from '../../../test/support/redis';

const OPTIONS = { maxLength: 500, ttlSeconds: 60 };
let topicCount = 0;
const newTopic = () => `test.replay.${process.pid}.${Date.now()}.${topicCount++}`;

async function take<T>(iterator: AsyncIterableIterator<T>, count: number, timeoutMs = 3_000): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeoutMs;
  while (out.length < count) {
    const next = await Promise.race([iterator.next(), new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), Math.max(1, deadline - Date.now())))]);
    if (next === 'timeout') throw new Error(`got ${out.length} of ${count} events`);
    if (next.done) break;
    out.push(next.value);
  }
  return out;
}

function behaves(name: string, make: () => { publisher: PubSub; subscriber: PubSub; close(): Promise<void> }, shortTtlSeconds: number) {
  describe(name, () => {
    let publisher: PubSub;
    let subscriber: PubSub;
    let close: () => Promise<void>;
    beforeAll(() => ({ publisher, subscriber, close } = make()));
    afterAll(() => close());

    it('gives a late subscriber the kept events, then live ones', async () => {
      const topic = newTopic();
      for (const n of [1, 2, 3]) await publisher.publishReplayable(topic, { n }, OPTIONS);
      const events = await subscriber.subscribeWithReplay<{ n: number }>(topic);
      await publisher.publishReplayable(topic, { n: 4 }, OPTIONS);
      expect((await take(events, 4)).map((event) => event.n)).toEqual([1, 2, 3, 4]);
      await events.return!();
    });

    it('misses nothing and repeats nothing when a subscriber joins during a burst', async () => {
      const topic = newTopic();
      let published = 0;
      const burst = (async () => {
        for (let n = 1; n <= 300; n++) {
          await publisher.publishReplayable(topic, { n }, OPTIONS);
          published = n;
          if (n % 10 === 0) await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      while (published < 100) await new Promise((resolve) => setImmediate(resolve));
      const events = await subscriber.subscribeWithReplay<{ n: number }>(topic);
      expect(published).toBeLessThan(300);
      await burst;
      const seen = (await take(events, 300)).map((event) => event.n);
      expect(seen).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      await events.return!();
    });

    it('drops what was kept before a restart, and keeps at most maxLength events', async () => {
      const topic = newTopic();
      for (const n of [1, 2, 3]) await publisher.publishReplayable(topic, { turn: 'a', n }, OPTIONS);
      await publisher.publishReplayable(topic, { turn: 'b', n: 1 }, { ...OPTIONS, restart: true });
      for (const n of [2, 3, 4]) await publisher.publishReplayable(topic, { turn: 'b', n }, { ...OPTIONS, maxLength: 3 });
      const events = await subscriber.subscribeWithReplay<{ turn: string; n: number }>(topic);
      await publisher.publishReplayable(topic, { turn: 'b', n: 5 }, OPTIONS);
      expect(await take(events, 4)).toEqual([2, 3, 4, 5].map((n) => ({ turn: 'b', n })));
      await events.return!();
    });

    it('forgets kept events after their TTL, and a subscriber from before still hears the next ones', async () => {
      const topic = newTopic();
      const short = { maxLength: 10, ttlSeconds: shortTtlSeconds };
      await publisher.publishReplayable(topic, { n: 1 }, short);
      await publisher.publishReplayable(topic, { n: 2 }, short);
      const early = await subscriber.subscribeWithReplay<{ n: number }>(topic);
      expect((await take(early, 2)).map((event) => event.n)).toEqual([1, 2]);
      await new Promise((resolve) => setTimeout(resolve, shortTtlSeconds * 1000 + 300));
      const late = await subscriber.subscribeWithReplay<{ n: number }>(topic);
      // A new log after expiry numbers from 1 again: the early subscriber must not take it for a repeat.
      await publisher.publishReplayable(topic, { n: 3 }, short);
      expect((await take(late, 1)).map((event) => event.n)).toEqual([3]);
      expect((await take(early, 1)).map((event) => event.n)).toEqual([3]);
      await late.return!();
      await early.return!();
    });
  });
}

behaves(
  'LocalPubSub replay',
  () => {
    const pubsub = new LocalPubSub();
    return { publisher: pubsub, subscriber: pubsub, close: () => pubsub.close() };
  },
  0.1,
);

// Across replicas through Redis: the run's REDIS_URL (`.ci/run`'s second pass), else a Redis
// server of this test's own, so every run checks it.
describe('with Redis', () => {
  let url = process.env.REDIS_URL;
  let own: PrivateRedis | undefined;
  beforeAll(async () => {
    if (!url) ({ url } = own = await startPrivateRedis());
  });
  afterAll(() => own?.stop());

  behaves(
    'RedisPubSub replay across replicas',
    () => {
      const publisher = new RedisPubSub(url!);
      const subscriber = new RedisPubSub(url!);
      return { publisher, subscriber, close: async () => void (await Promise.all([publisher.close(), subscriber.close()])) };
    },
    1,
  );
});
