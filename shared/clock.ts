// The time domain decisions are made at (sync windows, escalation timers, "the last N days",
// cache lifetimes): a dependency a subgraph's services receive, so a test can fix it. Token
// expiry and log stamps read the system's time directly.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that reads `at` until moved (tests). */
export function fixedClock(at: Date | string): Clock & { set(to: Date | string): void; advance(ms: number): void } {
  let current = new Date(at);
  return {
    now: () => new Date(current),
    set: (to) => void (current = new Date(to)),
    advance: (ms) => void (current = new Date(current.getTime() + ms)),
  };
}
