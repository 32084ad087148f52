// The dashboard benchmark's critical path per request (bench/harness/load-phase.ts busyWithin):
// the time at least one subgraph fetch was in flight inside each request's own time.
import { busyWithin } from '../bench/harness/load-phase';

describe("a request's busy time in the subgraphs", () => {
  it('counts overlapping fetches once, and only the part inside each request', () => {
    const windows = [{ start: 0, end: 10 }, { start: 10, end: 20 }, { start: 20, end: 30 }];
    const spans = [{ start: 8, end: 12 }, { start: 2, end: 5 }, { start: 1, end: 3 }, { start: 15, end: 16 }, { start: 15.5, end: 15.8 }];
    // [1, 5] and [8, 10]; [10, 12] and [15, 16]; nothing.
    expect(busyWithin(windows, spans)).toEqual([6, 3, 0]);
  });
});
