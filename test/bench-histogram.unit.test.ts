// The benchmark's reading of a Prometheus histogram (bench/harness/histogram.ts): differences of
// two readings and the bucket bound a quantile falls under.
import { quantileBoundMs, since, type Buckets } from '../bench/harness/histogram';

const buckets = (entries: Array<[number, number]>): Buckets => new Map(entries);

describe('bench histogram', () => {
  it('gives the bound of the first bucket holding the quantile, in ms', () => {
    // 100 observations: 90 under 50 ms, 9 more under 100 ms, the last under 250 ms.
    const reading = buckets([[0.05, 90], [0.1, 99], [0.25, 100], [Infinity, 100]]);
    expect(quantileBoundMs(reading, 0.5)).toBe(50);
    expect(quantileBoundMs(reading, 0.99)).toBe(100);
    expect(quantileBoundMs(reading, 1)).toBe(250);
  });

  it('counts only what was observed between two readings', () => {
    const before = buckets([[0.05, 0], [0.1, 0], [0.25, 1], [Infinity, 1]]);
    const after = buckets([[0.05, 19], [0.1, 19], [0.25, 20], [Infinity, 20]]);
    expect([...since(after, before)]).toEqual([[0.05, 19], [0.1, 19], [0.25, 19], [Infinity, 19]]);
    expect(quantileBoundMs(since(after, before), 0.99)).toBe(50);
  });

  it('has no figure without observations, without the metric, or past the last bound', () => {
    expect(quantileBoundMs(buckets([[0.05, 0], [Infinity, 0]]), 0.99)).toBeNaN();
    expect(quantileBoundMs(new Map(), 0.99)).toBeNaN();
    expect(quantileBoundMs(buckets([[0.05, 0], [Infinity, 3]]), 0.99)).toBeNaN();
  });
});
