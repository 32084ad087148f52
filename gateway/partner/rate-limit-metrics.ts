// Counts the requests a rate limit refused, by which limit: a partner credential's requests per
// minute (POST /graphql) or the token endpoint's per-address limit. The limiter itself
// (rate-limit.ts) stays a plain counter shared by both.
import { counter, perService } from '../../shared/observability/service-metrics';
import type { RateLimiter } from './rate-limit';

/** Which limit refused a request: the `limit` label. */
export type RateLimitName = 'partner_requests' | 'token_endpoint';

const rejections = perService((registry) =>
  counter(registry, 'gateway_rate_limit_rejections_total', 'Requests refused with 429 RATE_LIMITED, by the limit that refused them', ['limit']),
);

/** `limiter` as seen by one caller: the same counts, its refusals counted under `limit`. */
export function countingRejections(limiter: RateLimiter, limit: RateLimitName, service = 'gateway'): RateLimiter {
  const counter = rejections(service);
  return {
    async hit(key, max) {
      const decision = await limiter.hit(key, max);
      if (!decision.allowed) counter.inc({ limit });
      return decision;
    },
    close: () => limiter.close(),
  };
}
