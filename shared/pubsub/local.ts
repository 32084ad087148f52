// In-process pub/sub: one process only (the default without REDIS_URL).
import { EventEmitter } from 'node:events';
import { iteratorFor } from './queue';
import { newEpoch, replayThenLive, type Envelope } from './replay';
import type { PubSub, ReplayOptions } from './types';

interface KeptLog {
  epoch: string;
  seq: number;
  entries: Envelope[];
  expiry?: NodeJS.Timeout;
}

/** Through JSON, as Redis would: subscribers never share (or mutate) the publisher's objects. */
const copy = (payload: unknown) => JSON.parse(JSON.stringify(payload));

export class LocalPubSub implements PubSub {
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly logs = new Map<string, KeptLog>();

  async publish(topic: string, payload: unknown): Promise<void> {
    this.emitter.emit(topic, copy(payload));
  }

  subscribe<T>(topic: string): AsyncIterableIterator<T> {
    return iteratorFor<T>((push) => {
      this.emitter.on(topic, push);
      return () => this.emitter.off(topic, push);
    });
  }

  async publishReplayable(topic: string, payload: unknown, options: ReplayOptions): Promise<void> {
    let log = this.logs.get(topic);
    if (!log) this.logs.set(topic, (log = { epoch: newEpoch(), seq: 0, entries: [] }));
    if (options.restart) log.entries = [];
    const entry: Envelope = { epoch: log.epoch, seq: ++log.seq, payload: copy(payload) };
    log.entries.push(entry);
    if (log.entries.length > options.maxLength) log.entries.splice(0, log.entries.length - options.maxLength);
    clearTimeout(log.expiry);
    log.expiry = setTimeout(() => this.logs.delete(topic), options.ttlSeconds * 1000).unref();
    this.emitter.emit(topic, entry);
  }

  async subscribeWithReplay<T>(topic: string): Promise<AsyncIterableIterator<T>> {
    // Subscribing and reading the log happen in one tick here: nothing can fall between them.
    const live = this.subscribe<Envelope<T>>(topic);
    return replayThenLive([...((this.logs.get(topic)?.entries ?? []) as Envelope<T>[])], live);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
    for (const log of this.logs.values()) clearTimeout(log.expiry);
    this.logs.clear();
  }
}
