// The transactional outbox's shapes: an event as a write emits it, and as it travels on the
// pub/sub topic (with the id subscribers dedupe on).

/** One event a write causes, as emitted inside its transaction. */
export interface EmittedEvent {
  topic: string;
  payload: unknown;
}

/** An event as stored in the outbox row and published: its own id (a UUID), its topic, its payload (JSON). */
export interface OutboxEvent extends EmittedEvent {
  id: string;
}

/** What travels on the topic: subscribers (subscribeEvents) see each id once and get the payload. */
export interface EventEnvelope<T = unknown> {
  eventId: string;
  payload: T;
  /** When the relay published it (ms since the epoch; absent on events read back from the outbox): the gateway measures publish → delivery from it. */
  publishedAt?: number;
}
