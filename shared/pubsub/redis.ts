// Redis pub/sub: an event published by any replica reaches subscribers on every replica.
// Replayable topics also keep their recent events in a capped list with a TTL; one Lua script
// numbers, stores and publishes each event atomically, so a subscriber that reads the list
// after its SUBSCRIBE is confirmed misses nothing and can drop the overlap by number.
import { EventEmitter } from 'node:events';
import { connectRedis, type Redis } from '../redis';
import { iteratorFor } from './queue';
import { newEpoch, replayThenLive, type Envelope } from './replay';
import type { PubSub, ReplayOptions } from './types';

/** Redis channels and keys are shared by every environment on a server: keep ours apart. */
export const REDIS_CHANNEL_PREFIX = 'loop-health:';
const KEPT_PREFIX = `${REDIS_CHANNEL_PREFIX}replay:`;
const META_PREFIX = `${REDIS_CHANNEL_PREFIX}replay-meta:`;

// KEYS: the kept list, the log's meta hash (epoch, seq). ARGV: payload JSON, max length, TTL
// seconds, restart (1/0), an epoch for a new log, the channel. The envelope is built by string
// concatenation: the payload is JSON already and the epoch is hex.
const PUBLISH_REPLAYABLE = `
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[5])
local epoch = redis.call('HGET', KEYS[2], 'epoch')
local seq = redis.call('HINCRBY', KEYS[2], 'seq', 1)
if ARGV[4] == '1' then redis.call('DEL', KEYS[1]) end
local entry = '{"epoch":"' .. epoch .. '","seq":' .. seq .. ',"payload":' .. ARGV[1] .. '}'
redis.call('RPUSH', KEYS[1], entry)
redis.call('LTRIM', KEYS[1], -tonumber(ARGV[2]), -1)
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('EXPIRE', KEYS[2], ARGV[3])
redis.call('PUBLISH', ARGV[6], entry)
return seq
`;

export class RedisPubSub implements PubSub {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly local = new EventEmitter().setMaxListeners(0);
  private readonly counts = new Map<string, number>();
  /** Per topic, Redis's confirmation of the SUBSCRIBE. */
  private readonly confirmed = new Map<string, Promise<unknown>>();

  constructor(url: string) {
    // A subscribed connection can only listen: publishing needs a second one.
    this.publisher = connectRedis(url, { lazyConnect: false, maxRetriesPerRequest: 3 });
    this.subscriber = connectRedis(url, { lazyConnect: false });
    // A lost connection fails the commands that need it and reconnects on its own (the outbox relay
    // retries, subscribers catch up from the outbox): not an unhandled error event.
    for (const connection of [this.publisher, this.subscriber]) connection.on('error', () => {});
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
      if (count === 1) {
        const confirmation = this.subscriber.subscribe(REDIS_CHANNEL_PREFIX + topic);
        confirmation.catch(() => {}); // a lost connection resubscribes on its own
        this.confirmed.set(topic, confirmation);
      }
      return () => {
        this.local.off(topic, push);
        const left = (this.counts.get(topic) ?? 1) - 1;
        if (left > 0) this.counts.set(topic, left);
        else {
          this.counts.delete(topic);
          this.confirmed.delete(topic);
          void this.subscriber.unsubscribe(REDIS_CHANNEL_PREFIX + topic).catch(() => {});
        }
      };
    });
  }

  async publishReplayable(topic: string, payload: unknown, options: ReplayOptions): Promise<void> {
    await this.publisher.eval(
      PUBLISH_REPLAYABLE,
      2,
      KEPT_PREFIX + topic,
      META_PREFIX + topic,
      JSON.stringify(payload),
      String(options.maxLength),
      String(Math.max(1, Math.ceil(options.ttlSeconds))),
      options.restart ? '1' : '0',
      newEpoch(),
      REDIS_CHANNEL_PREFIX + topic,
    );
  }

  async subscribeWithReplay<T>(topic: string): Promise<AsyncIterableIterator<T>> {
    const live = this.subscribe<Envelope<T>>(topic);
    try {
      // Only once Redis has confirmed the subscription is every later event sure to arrive live.
      await this.confirmed.get(topic);
      const kept = (await this.publisher.lrange(KEPT_PREFIX + topic, 0, -1)).map((entry) => JSON.parse(entry) as Envelope<T>);
      return replayThenLive(kept, live);
    } catch (error) {
      await live.return?.();
      throw error;
    }
  }

  /** Resolves once Redis answers on the subscriber connection (tests and readiness). */
  async ready(): Promise<void> {
    await this.subscriber.ping();
  }

  async close(): Promise<void> {
    this.local.removeAllListeners();
    this.publisher.disconnect();
    this.subscriber.disconnect();
  }
}
