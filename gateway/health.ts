// /healthz says the process is up; /readyz says every subgraph answers a trivial query,
// naming the ones that do not (a load balancer takes this replica out until they do).
import type { Request, Response } from 'express';

/** How long one subgraph may take to answer the readiness probe. */
export const DEFAULT_READINESS_TIMEOUT_MS = 2_000;

export async function probeSubgraphs(urls: Record<string, string>, timeoutMs = DEFAULT_READINESS_TIMEOUT_MS) {
  const results = await Promise.all(
    Object.entries(urls).map(async ([name, url]) => {
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: '{ __typename }' }),
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

export function readyz(urls: Record<string, string>) {
  return async (_req: Request, res: Response) => {
    const { down } = await probeSubgraphs(urls);
    if (down.length) res.status(503).json({ status: 'unavailable', down });
    else res.json({ status: 'ready', subgraphs: Object.keys(urls) });
  };
}
