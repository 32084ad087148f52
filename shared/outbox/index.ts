// The transactional outbox: a write and the events it causes commit together (write.ts), a relay
// publishes them after the commit and retries until delivered (relay.ts), and subscribers see
// each event once (subscribe.ts). See README "Events: the transactional outbox".
export type { EmittedEvent, EventEnvelope, OutboxEvent } from './types';
export { transactionWithEvents, writeOutbox, type Emit, type OutboxTx } from './write';
export { startOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './relay';
export { dedupeEvents, subscribeEvents, outboxCatchUp, DEFAULT_REMEMBERED_EVENT_IDS, type EventCursor, type SubscribeOptions } from './subscribe';
export { wakeRelays } from './wake';
