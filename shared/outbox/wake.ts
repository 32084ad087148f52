// The process-wide signal "an outbox row was just committed": every outbox relay in this process
// publishes it at once (given the row, without reading it back) or runs a pass, instead of
// waiting for its next poll. Rows written by other processes are found by polling (relay.ts),
// so nothing depends on this signal being heard.
import { EventEmitter } from 'node:events';
import type { OutboxEvent } from './types';

/** An outbox row its writer just committed: its id and its events, as stored. */
export interface CommittedRow {
  id: string;
  events: OutboxEvent[];
}

const signal = new EventEmitter().setMaxListeners(0);
const WAKE = 'wake';

/** Wakes the relays; with `rows` (committed, in commit order) they may publish those directly. */
export function wakeRelays(rows?: readonly CommittedRow[]): void {
  signal.emit(WAKE, rows);
}

/** Calls `listener` on each wake; returns the unsubscribe. */
export function onWake(listener: (rows?: readonly CommittedRow[]) => void): () => void {
  signal.on(WAKE, listener);
  return () => signal.off(WAKE, listener);
}
