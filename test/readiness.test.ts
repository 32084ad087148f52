// GET /readyz on the subgraphs: 200 naming each dependency when all answer, 503 naming the one
// that does not, within the check's short deadline.
import http from 'node:http';
import express from 'express';
import { SERVICE_NAMES } from '../shared/config';
import { checkReadiness, databaseCheck, DEFAULT_READINESS_CHECK_TIMEOUT_MS, httpCheck, readinessEndpoint, redisCheck, type ReadinessCheck } from '../shared/server/readiness';
import { stackSubgraphBase } from './support/graphql';
import { beginDraining, resetDrainingForTests } from '../shared/server/shutdown';
import { jobQueueCheck, processJobQueue } from '../shared/queue/jobs';
import { serviceLogger } from '../shared/logger';
import { freePort } from './support/stack';

async function serve(checks: ReadinessCheck[], timeoutMs?: number) {
  const app = express();
  app.get('/readyz', readinessEndpoint({ checks, timeoutMs }));
  const server = http.createServer(app);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${port}/readyz`, close: () => new Promise((resolve) => server.close(resolve)) };
}

describe('GET /readyz on a subgraph', () => {
  it.each(SERVICE_NAMES.map((name) => [name]))('%s: ready, naming the database, the job queue (and Redis when configured) as up', async (name) => {
    const response = await fetch(`${stackSubgraphBase(name)}/readyz`);
    expect(response.status).toBe(200);
    // The test stack runs every subgraph in one process, whose job queue (started by patient, labs, wearables, luna) each /readyz checks.
    const expected: Record<string, string> = { database: 'up', queue: 'up' };
    if (process.env.REDIS_URL) expected.redis = 'up';
    expect(await response.json()).toEqual({ status: 'ready', dependencies: expected });
  });
});

describe('readiness checks', () => {
  it('answer 503 naming an unreachable Redis, well within the deadline, while the database is up', async () => {
    const redis = redisCheck(`redis://127.0.0.1:${await freePort()}`, 500);
    const server = await serve([databaseCheck(async () => [{ '?column?': 1 }]), redis], 500);
    try {
      const started = Date.now();
      const response = await fetch(server.url);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'unavailable', dependencies: { database: 'up', redis: 'down' } });
      expect(Date.now() - started).toBeLessThan(2_000);
    } finally {
      await redis.close();
      await server.close();
    }
  });

  it('name the job queue down while this process runs none, without asking the database', async () => {
    let asked = 0;
    const db = { sql: { query: async () => asked++ } } as never;
    const report = await checkReadiness({ checks: [jobQueueCheck(processJobQueue(db, serviceLogger('readiness-test')), db)] });
    expect(report).toEqual({ status: 'unavailable', dependencies: { queue: 'down' } });
    expect(asked).toBe(0);
  });

  it('answer 503 "stopping" at once, checking nothing, once the process is shutting down', async () => {
    let checked = 0;
    const server = await serve([{ name: 'database', check: async () => checked++ }]);
    try {
      expect((await fetch(server.url)).status).toBe(200);
      beginDraining(60_000);
      const response = await fetch(server.url);
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: 'stopping', dependencies: {} });
      expect(checked).toBe(1);
    } finally {
      resetDrainingForTests();
      await server.close();
    }
  });

  it('count a dependency that does not answer in time as down', async () => {
    const hanging: ReadinessCheck = { name: 'database', check: () => new Promise(() => {}) };
    const started = Date.now();
    const report = await checkReadiness({ checks: [hanging], timeoutMs: 200 });
    expect(report).toEqual({ status: 'unavailable', dependencies: { database: 'down' } });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(DEFAULT_READINESS_CHECK_TIMEOUT_MS).toBeLessThanOrEqual(2_000);
  });

  it('check another service over HTTP: up on 2xx, down on 5xx or no answer', async () => {
    const upstream = await serve([{ name: 'x', check: async () => {} }]);
    const failing = await serve([{ name: 'x', check: async () => Promise.reject(new Error('no')) }]);
    try {
      const report = await checkReadiness({
        checks: [httpCheck('ok', upstream.url), httpCheck('failing', failing.url), httpCheck('absent', `http://127.0.0.1:${await freePort()}/healthz`)],
      });
      expect(report).toEqual({ status: 'unavailable', dependencies: { ok: 'up', failing: 'down', absent: 'down' } });
    } finally {
      await upstream.close();
      await failing.close();
    }
  });
});
