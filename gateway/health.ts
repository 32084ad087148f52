// /healthz says the process is up; /readyz says every subgraph answers a trivial query (and
// Redis a PING when configured), naming each dependency and its state (DESIGN.md's contract:
// a load balancer takes this replica out until they answer). The subgraph probe is signed like
// any request the gateway forwards: subgraphs answer nothing else.
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { GATEWAY_SIGNATURE_HEADER } from '../shared/trust/envelope';
import type { GatewaySigner } from './trust/sign';
import { readinessEndpoint, type ReadinessCheck } from '../shared/server/readiness';

const PROBE = JSON.stringify({ query: '{ __typename }' });

/** How long one subgraph may take to answer the readiness probe. */
export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

export async function probeSubgraphs(urls: Record<string, string>, signer: GatewaySigner, timeoutMs = DEFAULT_READINESS_TIMEOUT_MS) {
  const results = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const forwarded = { requestId: randomUUID(), correlationId: null, operationName: 'ReadinessProbe', clientIp: null, partnerId: null, scopes: null, deadline: Date.now() + timeoutMs };
        const signature = await signer.signRequest(name, forwarded, { body: PROBE, authorization: null });
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [GATEWAY_SIGNATURE_HEADER]: signature },
          body: PROBE,
          signal: AbortSignal.timeout(timeoutMs),
        });
        return { name, up: response.ok };
      } catch {
        return { name, up: false };
      }
    }),
  );
  return { down: results.filter((r) => !r.up).map((r) => r.name), checked: results.length };
}

export function healthz(_req: Request, res: Response): void {
  res.json({ status: 'ok' });
}

/** One readiness check per subgraph, named after it. */
export function subgraphChecks(urls: Record<string, string>, signer: GatewaySigner, timeoutMs = DEFAULT_READINESS_TIMEOUT_MS): ReadinessCheck[] {
  return Object.keys(urls).map((name) => ({
    name,
    async check() {
      const { down } = await probeSubgraphs({ [name]: urls[name] }, signer, timeoutMs);
      if (down.length) throw new Error(`${name} did not answer`);
    },
  }));
}

/** GET /readyz: each subgraph, then `redis` when the gateway uses it (its partner rate limits). */
export function readyz(checks: ReadinessCheck[]) {
  return readinessEndpoint({ checks, timeoutMs: DEFAULT_READINESS_TIMEOUT_MS });
}
