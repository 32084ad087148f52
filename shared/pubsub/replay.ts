// Replayable topics: each event travels (live and kept) in an envelope numbered within its
// log. A log's `epoch` is new whenever the log is created again after it expired, so numbers
// from an old log are never mistaken for those of a new one.
import { randomBytes } from 'node:crypto';

export interface Envelope<T = unknown> {
  epoch: string;
  seq: number;
  payload: T;
}

export function newEpoch(): string {
  return randomBytes(8).toString('hex');
}

/**
 * The kept events, then the live ones. The live subscription was opened before the kept
 * events were read, so it may repeat the newest of them: those are skipped by number.
 */
export function replayThenLive<T>(kept: Envelope<T>[], live: AsyncIterableIterator<Envelope<T>>): AsyncIterableIterator<T> {
  const backlog = kept.map((entry) => entry.payload);
  const last = kept.at(-1);
  const seen = (entry: Envelope<T>) => last !== undefined && entry.epoch === last.epoch && entry.seq <= last.seq;
  return {
    async next(): Promise<IteratorResult<T>> {
      if (backlog.length) return { value: backlog.shift()!, done: false };
      for (;;) {
        const step = await live.next();
        if (step.done) return { value: undefined, done: true };
        if (!seen(step.value)) return { value: step.value.payload, done: false };
      }
    },
    async return(): Promise<IteratorResult<T>> {
      backlog.length = 0;
      await live.return?.();
      return { value: undefined, done: true };
    },
    async throw(error): Promise<IteratorResult<T>> {
      backlog.length = 0;
      await live.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
