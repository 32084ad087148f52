// The gateway's upstream client (gateway/http/upstream.ts): answers read whole within the limit,
// and in-flight sharing only under the same key, never for plain sends.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { upstreamClient, type UpstreamClient } from '../http/upstream';

let server: http.Server;
let hits = 0;
let release: (() => void)[] = [];
let client: UpstreamClient;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits++;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    // Answers when the test releases it, so requests overlap.
    req.on('end', () => release.push(() => res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'private' }).end(JSON.stringify({ data: { echo: Buffer.concat(chunks).toString() } }))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  client = upstreamClient({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, connections: 4, maxBytes: 64 });
});
afterAll(async () => {
  await client.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  hits = 0;
  release = [];
});

const settle = async <T>(pending: Promise<T>[], expectedHits: number) => {
  while (release.length < expectedHits) await new Promise((resolve) => setTimeout(resolve, 5));
  for (const answer of release) answer();
  return Promise.all(pending);
};

describe('upstream client', () => {
  it('shares one fetch between identical in-flight requests under the same key', async () => {
    const answers = await settle([client.dedupe('user-a\n{"q":1}', { headers: {}, body: '"q1"' }), client.dedupe('user-a\n{"q":1}', { headers: {}, body: '"q1"' })], 1);
    expect(hits).toBe(1);
    expect(answers.map((answer) => answer.text)).toEqual(['{"data":{"echo":"\\"q1\\""}}', '{"data":{"echo":"\\"q1\\""}}']);
  });

  it('never shares between keys (another caller) or for plain sends', async () => {
    await settle([client.dedupe('user-a\n{"q":1}', { headers: {}, body: '"q1"' }), client.dedupe('user-b\n{"q":1}', { headers: {}, body: '"q1"' })], 2);
    expect(hits).toBe(2);
    hits = 0;
    release = [];
    await settle([client.send({ headers: {}, body: '"q1"' }), client.send({ headers: {}, body: '"q1"' })], 2);
    expect(hits).toBe(2);
  });

  it('fetches again once the shared fetch has answered', async () => {
    await settle([client.dedupe('k', { headers: {}, body: '"x"' })], 1);
    release = [];
    await settle([client.dedupe('k', { headers: {}, body: '"x"' })], 1);
    expect(hits).toBe(2);
  });

  it('reads status and headers, and stops reading past the size limit', async () => {
    const [small] = await settle([client.send({ headers: {}, body: '"s"' })], 1);
    expect(small).toMatchObject({ status: 200, ok: true, text: '{"data":{"echo":"\\"s\\""}}' });
    expect(small.headers.get('Cache-Control')).toBe('private');
    release = [];
    const [large] = await settle([client.send({ headers: {}, body: JSON.stringify('x'.repeat(100)) })], 1);
    expect(large.text).toBeUndefined();
    expect(large.bytes).toBeGreaterThan(64);
  });
});
