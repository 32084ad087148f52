// The process-wide signal "an outbox row was just committed": every outbox relay in this process
// runs a pass at once instead of at its next poll. Rows written by other processes are found by
// polling (relay.ts), so nothing depends on this signal being heard.
import { EventEmitter } from 'node:events';

const signal = new EventEmitter().setMaxListeners(0);
const WAKE = 'wake';

export function wakeRelays(): void {
  signal.emit(WAKE);
}

/** Calls `listener` on each wake; returns the unsubscribe. */
export function onWake(listener: () => void): () => void {
  signal.on(WAKE, listener);
  return () => signal.off(WAKE, listener);
}
