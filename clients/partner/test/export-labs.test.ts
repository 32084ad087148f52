// The partner example against the live graph: client-credentials token, persisted operations
// only, every page of patients, and a 429 from the server waited out and retried.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { authHeaders } from '../../../test/support/auth';
import { gatewayUrl, gql } from '../../../test/support/graphql';
import { ROOT, TSX } from '../../../test/support/stack';
import { CSV_COLUMNS, csvLine, exportLabs } from '../export-labs';

async function credential(): Promise<{ clientId: string; clientSecret: string }> {
  const response = await gql(
    'mutation($input: CreatePartnerCredentialInput!) { createPartnerCredential(input: $input) { clientSecret credential { clientId } } }',
    { input: { name: 'Export example', role: 'SUPPORT', scopes: ['profile:read', 'lab_results:read'], rateLimitPerMinute: 600 } },
    { headers: await authHeaders('admin') },
  );
  expect(response.errors ?? []).toEqual([]);
  return { clientId: response.data!.createPartnerCredential.credential.clientId, clientSecret: response.data!.createPartnerCredential.clientSecret };
}

/** Forwards to the gateway, but answers the first GraphQL request with 429 Retry-After: 1. */
async function throttlingRelay() {
  const target = new URL(gatewayUrl());
  let graphqlRequests = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/graphql' && ++graphqlRequests === 1) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
      res.end(JSON.stringify({ errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED', retryAfter: 1 } }] }));
      req.resume();
      return;
    }
    const upstream = http.request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests: () => graphqlRequests, close: () => server.close() };
}

describe('the partner export example', () => {
  it('exports pages of patients with their lab readings to CSV, retrying after a 429', async () => {
    const relay = await throttlingRelay();
    const lines: string[] = [];
    const log: string[] = [];
    try {
      const result = await exportLabs({ baseUrl: relay.url, ...(await credential()), pageSize: 4, maxPatients: 10, write: (line) => lines.push(line), log: (m) => log.push(m) });
      expect(result.patients).toBe(10);
      expect(result.requests).toBe(4); // the refused one, then pages of 4, 4 and 2
      expect(relay.requests()).toBe(4);
      expect(log[0]).toMatch(/^RATE_LIMITED: retrying in 1000 ms/);
      expect(lines[0]).toBe(CSV_COLUMNS.join(','));
      expect(lines.length - 1).toBe(result.rows);
      expect(result.rows).toBeGreaterThan(10);
      const patientIds = new Set(lines.slice(1).map((line) => line.split(',')[0]));
      expect(patientIds.size).toBeGreaterThan(1);
      expect(patientIds.size).toBeLessThanOrEqual(10);
    } finally {
      relay.close();
    }
  });

  it('runs from the command line', async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'loop-export-')), 'labs.csv');
    const { clientId, clientSecret } = await credential();
    const run = spawnSync(TSX, [path.join(ROOT, 'clients/partner/export-labs.ts'), '--url', gatewayUrl(), '--out', out, '--max-patients', '3'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '', LOOP_CLIENT_ID: clientId, LOOP_CLIENT_SECRET: clientSecret },
    });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/exported \d+ rows for 3 patients in 1 requests/);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(CSV_COLUMNS.join(','));
  });

  it('fails clearly, writing no file, when the credential is refused or the gateway is unreachable', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'loop-export-'));
    const run = (url: string, secret: string) =>
      spawnSync(TSX, [path.join(ROOT, 'clients/partner/export-labs.ts'), '--url', url, '--out', path.join(dir, 'labs.csv')], {
        cwd: ROOT,
        encoding: 'utf8',
        env: { ...process.env, NODE_OPTIONS: '', LOOP_CLIENT_ID: 'lhp_unknown', LOOP_CLIENT_SECRET: secret },
      });
    const refused = run(gatewayUrl(), 'lhs_wrong');
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/invalid_client/);
    const unreachable = run('http://127.0.0.1:1', 'lhs_wrong');
    expect(unreachable.status).toBe(1);
    expect(unreachable.stderr).toMatch(/Could not reach http:\/\/127\.0\.0\.1:1\/oauth\/token/);
    expect(existsSync(path.join(dir, 'labs.csv'))).toBe(false);
  });

  it('quotes CSV fields and defuses spreadsheet formulas', () => {
    expect(csvLine(['a,b', 'say "hi"', '=SUM(A1)', -4.5, null])).toBe('"a,b","say ""hi""",\'=SUM(A1),-4.5,');
  });
});
