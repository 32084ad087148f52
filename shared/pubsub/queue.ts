// Turns push callbacks into a pull iterator with a bounded queue.

/** Most events a slow subscriber may have waiting before the oldest are dropped (bounded memory). */
export const DEFAULT_MAX_QUEUED_EVENTS = 1_000;

export function iteratorFor<T>(attach: (push: (value: T) => void) => () => void): AsyncIterableIterator<T> {
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
