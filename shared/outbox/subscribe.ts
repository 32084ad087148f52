// The subscription edge of the outbox: a subscriber's stream of a topic's payloads, each event
// once. The relay delivers at least once (a publish retried after a lost answer may arrive twice),
// so each subscription remembers the ids it has passed on, the most recent ones only.
import type { PubSub } from '../pubsub';
import type { EventEnvelope } from './types';

/** Ids remembered per subscription: repeats arrive within a retry or two, far inside this window. */
export const DEFAULT_REMEMBERED_EVENT_IDS = 2_000;

export function dedupeEvents<T>(source: AsyncIterableIterator<EventEnvelope<T>>, remember = DEFAULT_REMEMBERED_EVENT_IDS): AsyncIterableIterator<T> {
  const seen = new Set<string>();
  return {
    async next(): Promise<IteratorResult<T>> {
      for (;;) {
        const step = await source.next();
        if (step.done) return { value: undefined, done: true };
        const { eventId, payload } = step.value;
        if (seen.has(eventId)) continue;
        seen.add(eventId);
        if (seen.size > remember) seen.delete(seen.values().next().value!);
        return { value: payload, done: false };
      }
    },
    async return(): Promise<IteratorResult<T>> {
      await source.return?.();
      return { value: undefined, done: true };
    },
    async throw(error): Promise<IteratorResult<T>> {
      await source.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** The payloads of the events published on `topic` through the outbox, each event once. */
export function subscribeEvents<T>(pubsub: PubSub, topic: string): AsyncIterableIterator<T> {
  return dedupeEvents(pubsub.subscribe<EventEnvelope<T>>(topic));
}
