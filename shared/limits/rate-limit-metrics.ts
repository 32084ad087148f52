// Counts the requests a rate limit refused, by which limit: a partner credential's requests per
// minute (gateway), partner token requests per client address (patient subgraph), Luna turns and
// lab uploads per user. The limiter itself (rate-limit.ts) stays a plain counter.
import { counter, perService } from '../observability/service-metrics';
import type { RateLimiter } from './rate-limit';

/** Which limit refused a request: the `limit` label. */
export type RateLimitName = 'partner_requests' | 'token_requests' | 'luna_turns' | 'lab_uploads';

const rejections = perService((registry) =>
  counter(registry, 'rate_limit_rejections_total', 'Requests refused with RATE_LIMITED, by the limit that refused them', ['limit']),
);

/** `limiter` as seen by one caller: the same counts, its refusals counted under `limit`. */
export function countingRejections(limiter: RateLimiter, limit: RateLimitName, service: string): RateLimiter {
  const refused = rejections(service);
  return {
    async hit(key, max, windowMs) {
      const decision = await limiter.hit(key, max, windowMs);
      if (!decision.allowed) refused.inc({ limit });
      return decision;
    },
    close: () => limiter.close(),
  };
}
