// The pub/sub contract every implementation (in-process, Redis) keeps.

export interface ReplayOptions {
  /** Most events kept; the oldest are dropped first. */
  maxLength: number;
  /** How long the kept events stay readable after the latest one, in seconds. */
  ttlSeconds: number;
  /** This event opens a new replay window: events kept before it are dropped. */
  restart?: boolean;
}

export interface PubSub {
  publish(topic: string, payload: unknown): Promise<void>;
  /** Events on `topic` from now on; `return()` unsubscribes at once. */
  subscribe<T = unknown>(topic: string): AsyncIterableIterator<T>;
  /**
   * Publishes on `topic` and keeps the event for late subscribers (see subscribeWithReplay).
   * A topic is either replayable or plain: don't mix publish() and publishReplayable() on one.
   */
  publishReplayable(topic: string, payload: unknown, options: ReplayOptions): Promise<void>;
  /**
   * The events kept on a replayable topic, oldest first, then live ones: each event once, in
   * publish order, with no gap between the two (on every replica, with Redis).
   */
  subscribeWithReplay<T = unknown>(topic: string): Promise<AsyncIterableIterator<T>>;
  /**
   * Resolves once an event published now reaches this process's subscribers (Redis: the
   * subscriber connection is up and has subscribed again after an outage). The outbox relay
   * waits for it, so an event it retries after an outage is not published into a gap.
   */
  ready?(): Promise<void>;
  close(): Promise<void>;
}
