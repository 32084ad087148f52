// One pub/sub abstraction for domain events (a reading stored, a lab result added): in-process
// by default, Redis when REDIS_URL is set so an event published by any replica reaches
// subscribers on every replica. Payloads are JSON either way, so code behaves the same in both.
import { EventEmitter } from 'node:events';
import Redis from 'ioredis';

export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Events on `topic` from now on; `return()` unsubscribes at once. */
  subscribe<T = unknown>(topic: string): AsyncIterableIterator<T>;
  close(): Promise<void>;
}

/** Most events a slow subscriber may have waiting before the oldest are dropped (bounded memory). */
export const DEFAULT_MAX_QUEUED_EVENTS = 1_000;

/** Turns push callbacks into a pull iterator with a bounded queue. */
function iteratorFor<T>(attach: (push: (value: T) => void) => () => void): AsyncIterableIterator<T> {
  const queue: T[] = [];
  const waiting: ((result: IteratorResult<T>) => void)[] = [];
  let done = false;
  const detach = attach((value) => {
    if (done) return;
    const next = waiting.shift();
    if (next) next({ value, done: false });
    else {
      queue.push(value);
      if (queue.length > DEFAULT_MAX_QUEUED_EVENTS) queue.shift();
    }
  });
  const finish = async (): Promise<IteratorResult<T>> => {
    if (!done) {
      done = true;
      detach();
      for (const resolve of waiting.splice(0)) resolve({ value: undefined, done: true });
      queue.length = 0;
    }
    return { value: undefined, done: true };
  };
  return {
    next: () =>
      queue.length ? Promise.resolve({ value: queue.shift()!, done: false }) : done ? finish() : new Promise((resolve) => waiting.push(resolve)),
    return: finish,
    throw: async (error) => {
      await finish();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

export class LocalPubSub implements PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  async publish(topic: string, payload: unknown): Promise<void> {
    // Through JSON, as Redis would: subscribers never share (or mutate) the publisher's objects.
    this.emitter.emit(topic, JSON.parse(JSON.stringify(payload)));
  }

  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    return iteratorFor<T>((push) => {
      this.emitter.on(topic, push);
      return () => this.emitter.off(topic, push);
    });
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

/** Redis channels are shared by every environment on a server: keep ours apart. */
export const REDIS_CHANNEL_PREFIX = 'loop-health:';

export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly local = new EventEmitter().setMaxListeners(0);
  private readonly counts = new Map<string, number>();

  constructor(url: string) {
    // A subscribed connection can only listen: publishing needs a second one.
    this.publisher = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.subscriber = new Redis(url, { lazyConnect: false });
    this.subscriber.on('message', (channel: string, message: string) => {
      this.local.emit(channel.slice(REDIS_CHANNEL_PREFIX.length), JSON.parse(message));
    });
  }

  async publish(topic: string, payload: unknown): Promise<void> {
    await this.publisher.publish(REDIS_CHANNEL_PREFIX + topic, JSON.stringify(payload));
  }

  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    return iteratorFor<T>((push) => {
      this.local.on(topic, push);
      const count = (this.counts.get(topic) ?? 0) + 1;
      this.counts.set(topic, count);
      if (count === 1) void this.subscriber.subscribe(REDIS_CHANNEL_PREFIX + topic);
      return () => {
        this.local.off(topic, push);
        const left = (this.counts.get(topic) ?? 1) - 1;
        if (left > 0) this.counts.set(topic, left);
        else {
          this.counts.delete(topic);
          void this.subscriber.unsubscribe(REDIS_CHANNEL_PREFIX + topic);
        }
      };
    });
  }

  /** Resolves once Redis has confirmed the subscription to `topic` (tests and readiness). */
  async ready(): Promise<void> {
    await this.subscriber.ping();
  }

  async close(): Promise<void> {
    this.local.removeAllListeners();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}

export function createPubSub(redisUrl: string | undefined): PubSub {
  return redisUrl ? new RedisPubSub(redisUrl) : new LocalPubSub();
}

/** The topics of the platform's live streams, in one place. */
export const topics = {
  wearableReadingAdded: (patientId: string) => `wearables.reading-added.${patientId}`,
  labResultAdded: (patientId: string) => `labs.result-added.${patientId}`,
};
