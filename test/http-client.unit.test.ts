// The one GraphQL-over-HTTP client (shared/graphql/http-client.ts): the headers it sends, the
// answers it hands back as they came (a refusal's 4xx GraphQL body, a body that is not GraphQL),
// and a request that gets no answer in time.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLHttpClient, GraphQLTransportError, IDEMPOTENCY_KEY_HEADER, REQUEST_ID_HEADER } from '../shared/graphql/http-client';

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

let server: http.Server;
let url: string;
let handler: Handler;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => handler(req, body, res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const json = (res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(value));
};

describe('the GraphQL-over-HTTP client', () => {
  it('posts the operation with its headers and hands back data, status and headers', async () => {
    let seen: { headers: http.IncomingHttpHeaders; body: unknown } | undefined;
    handler = (req, body, res) => {
      seen = { headers: req.headers, body: JSON.parse(body) };
      json(res, 200, { data: { ok: true } }, { 'x-answer': 'yes' });
    };
    const client = new GraphQLHttpClient({ url, headers: async () => ({ authorization: 'Bearer t', [REQUEST_ID_HEADER]: 'luna-1' }) });
    const answer = await client.post<{ ok: boolean }>({ query: 'mutation M { ok }', operationName: 'M', variables: { a: 1 } }, { headers: { [IDEMPOTENCY_KEY_HEADER]: 'k-1' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ data: { ok: true } });
    expect(answer.headers.get('x-answer')).toBe('yes');
    expect(seen!.body).toEqual({ query: 'mutation M { ok }', operationName: 'M', variables: { a: 1 } });
    expect(seen!.headers).toMatchObject({ authorization: 'Bearer t', 'x-request-id': 'luna-1', 'idempotency-key': 'k-1', 'content-type': 'application/json', accept: 'application/json' });
  });

  it("reads a refusal's GraphQL body whatever its status, and says when an answer is not GraphQL", async () => {
    handler = (_req, _body, res) => json(res, 429, { errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] }, { 'retry-after': '7' });
    const client = new GraphQLHttpClient({ url });
    const refused = await client.post({ query: '{ x }' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('7');
    expect(refused.body?.errors?.[0].extensions?.code).toBe('RATE_LIMITED');

    handler = (_req, _body, res) => {
      res.writeHead(502, { 'content-type': 'text/html' });
      res.end('<h1>Bad gateway</h1>');
    };
    const proxy = await client.post({ query: '{ x }' });
    expect(proxy).toMatchObject({ status: 502, body: null, text: '<h1>Bad gateway</h1>' });
  });

  it('gives up after its timeout, and reports an unreachable server, as a transport error', async () => {
    handler = () => undefined; // never answers
    const slow = new GraphQLHttpClient({ url, timeoutMs: 100 });
    const late = await slow.post({ query: '{ x }' }).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(GraphQLTransportError);
    expect((late as GraphQLTransportError).timedOut).toBe(true);

    const nowhere = new GraphQLHttpClient({ url: 'http://127.0.0.1:9/graphql' });
    const refused = await nowhere.post({ query: '{ x }' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(GraphQLTransportError);
    expect((refused as GraphQLTransportError).timedOut).toBe(false);
  });
});
