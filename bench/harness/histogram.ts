// A Prometheus histogram read from a /metrics page, for figures the server measures itself (the
// gateway's publish-to-delivery time): cumulative bucket counts summed over label sets, the
// difference of two readings, and the bucket bound a quantile falls under.

/** Cumulative count per bucket upper bound (seconds; Infinity for +Inf). */
export type Buckets = Map<number, number>;

export async function readHistogram(url: string, name: string): Promise<Buckets> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const buckets: Buckets = new Map();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}_bucket{`)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(line.split(' ').pop()));
  }
  return buckets;
}

/** Observations made between reading `before` and reading `after`. */
export function since(after: Buckets, before: Buckets): Buckets {
  return new Map([...after].map(([bound, count]) => [bound, count - (before.get(bound) ?? 0)]));
}

/**
 * The upper bound, in ms, of the bucket the q-quantile (0-1) falls in: the quantile is at most
 * this. NaN without observations (or without the metric: a version that does not measure it)
 * and when it falls in +Inf.
 */
export function quantileBoundMs(buckets: Buckets, q: number): number {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (!total) return NaN;
  const bound = bounds.find((b) => (buckets.get(b) ?? 0) >= q * total);
  return bound === undefined || bound === Infinity ? NaN : bound * 1000;
}
