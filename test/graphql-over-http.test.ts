// GraphQL over HTTP to the letter: graphql-http's own conformance audit against the gateway
// (0 warnings, 0 notices), GET queries with Cache-Control that never lets PHI or a token's
// answer into a cache, status codes by media type, and the limits and the playground beside it.
import { serverAudits } from 'graphql-http';
import { DEFAULT_PUBLIC_MAX_AGE_SECONDS } from '../shared/config';
import { authHeaders } from './support/auth';
import { gatewayUrl } from './support/graphql';

const endpoint = () => `${gatewayUrl()}/graphql`;
const JSON_ONLY = 'application/json';
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

async function get(query: string, headers: Record<string, string> = {}, variables?: Record<string, unknown>) {
  const url = new URL(endpoint());
  url.searchParams.set('query', query);
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  const response = await fetch(url, { headers: { accept: JSON_ONLY, ...headers } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text.startsWith('{') ? (JSON.parse(text) as { data?: any; errors?: { extensions?: Record<string, unknown> }[] }) : undefined };
}

async function post(query: string, accept: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(endpoint(), { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify({ query, variables }) });
  return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } };
}

describe("graphql-http's audit of the gateway", () => {
  it('passes every audit: no error, no warning (SHOULD) and no notice (MAY)', async () => {
    const audits = serverAudits({ url: endpoint });
    const results = await Promise.all(audits.map((audit) => audit.fn()));
    const counts = results.reduce<Record<string, number>>((all, result) => ({ ...all, [result.status]: (all[result.status] ?? 0) + 1 }), {});
    const failed = results.filter((result) => result.status !== 'ok').map((result) => `${result.status} ${result.id} ${result.name}: ${'reason' in result ? result.reason : ''}`);
    expect(failed).toEqual([]);
    expect(counts).toEqual({ ok: audits.length });
    expect(audits.length).toBeGreaterThanOrEqual(61);
  }, 60_000);
});

describe('GET /graphql', () => {
  const PUBLIC = '{ peptides(first: 2) { totalCount edges { node { slug name } } } }';

  it('answers an anonymous read of public content with a shared-cacheable answer, varied by Accept and Authorization', async () => {
    const response = await get(PUBLIC);
    expect(response.status).toBe(200);
    expect(response.body?.errors).toBeUndefined();
    expect(response.body?.data.peptides.edges.length).toBeGreaterThan(0);
    expect(response.headers.get('cache-control')).toBe(`public, max-age=${DEFAULT_PUBLIC_MAX_AGE_SECONDS}`);
    expect(response.headers.get('vary')).toMatch(/Accept/);
    expect(response.headers.get('vary')).toMatch(/Authorization/);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('never lets a cache keep an answer to a token, one with PHI or one with an error', async () => {
    const customer = await authHeaders('customer', { patientIndex: 3 });
    const mine = await get('{ me { id firstName } }', customer);
    expect(mine.status).toBe(200);
    expect(mine.body?.data.me.id).toBeTruthy();
    expect(mine.headers.get('cache-control')).toBe('private, no-store');
    // Even public content, when a token asked for it (an editor may see drafts).
    expect((await get(PUBLIC, customer)).headers.get('cache-control')).toBe('private, no-store');
    // Anonymous, but the plan reaches a PHI subgraph: refused, and not cacheable either way.
    const phi = await get('{ patients(first: 1) { totalCount } }');
    expect(phi.body?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(phi.headers.get('cache-control')).toBe('private, no-store');
    const invalid = await get('{ peptides { noSuchField } }');
    expect(invalid.headers.get('cache-control')).toBe('private, no-store');
  });

  it('refuses a mutation with 405 and Allow: POST, and runs nothing', async () => {
    const admin = await authHeaders('admin');
    const response = await get('mutation { createFaq(input: { question: "GET?", answer: "no", category: "general" }) { id } }', admin);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(response.body?.data).toBeUndefined();
    const faqs = await get('{ faqs(first: 100) { edges { node { question } } } }', admin);
    expect(JSON.stringify(faqs.body)).not.toContain('GET?');
  });

  it('serves the playground to a browser asking for HTML, and the query to anyone else at the same URL', async () => {
    const page = await fetch(endpoint(), { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('GraphiQL');
    const query = await get('{ __typename }', { accept: '*/*' });
    expect(query.body?.data).toEqual({ __typename: 'Query' });
  });

  it('keeps the operation limits: an anonymous caller over the alias limit gets one OPERATION_LIMIT and nothing runs', async () => {
    const aliases = `{ faqs(first: 1) { ${Array.from({ length: 30 }, (_, i) => `a${i}: totalCount`).join(' ')} } }`;
    const response = await get(aliases, { accept: GRAPHQL_RESPONSE });
    expect(response.status).toBe(400);
    expect(response.body?.data).toBeUndefined();
    expect(response.body?.errors).toHaveLength(1);
    expect(response.body?.errors?.[0].extensions).toMatchObject({ code: 'OPERATION_LIMIT', limit: 'aliases' });
    expect(response.text).not.toMatch(/stacktrace|\.ts:\d+/);
  });

  it('takes variables as URL-encoded JSON', async () => {
    const response = await get('query($n: Int!) { faqs(first: $n) { edges { node { question } } } }', {}, { n: 1 });
    expect(response.body?.errors).toBeUndefined();
    expect(response.body?.data.faqs.edges).toHaveLength(1);
  });
});

describe('status codes by media type', () => {
  const cases = [
    ['a parse failure', '{ faqs(first: 1) {', {}, 'GRAPHQL_PARSE_FAILED'],
    ['a validation failure', '{ faqs(first: 1) { noSuchField } }', {}, 'GRAPHQL_VALIDATION_FAILED'],
    ['a variable coercion failure', 'query($n: Int!) { faqs(first: $n) { totalCount } }', { n: 'three' }, 'BAD_USER_INPUT'],
  ] as const;

  it.each(cases)('answers %s with 200 under application/json and 400 under application/graphql-response+json', async (_what, query, variables, code) => {
    const json = await post(query, JSON_ONLY, variables);
    expect(json.status).toBe(200);
    expect(json.contentType).toMatch(/^application\/json/);
    expect(json.body.errors?.[0].extensions?.code).toBe(code);
    const graphqlResponse = await post(query, `${GRAPHQL_RESPONSE}, ${JSON_ONLY};q=0.9`, variables);
    expect(graphqlResponse.status).toBe(400);
    expect(graphqlResponse.contentType).toMatch(/^application\/graphql-response\+json/);
    expect(graphqlResponse.body.data).toBeUndefined();
    expect(graphqlResponse.body.errors?.[0].extensions?.code).toBe(code);
  });

  it('keeps the transport-level refusals: a body that is not JSON is 400, a batch 400, whatever the Accept', async () => {
    for (const accept of [JSON_ONLY, GRAPHQL_RESPONSE]) {
      const broken = await fetch(endpoint(), { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: '{"query":' });
      expect(broken.status).toBe(400);
      const batch = await fetch(endpoint(), { method: 'POST', headers: { 'content-type': 'application/json', accept }, body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) });
      expect(batch.status).toBe(400);
    }
  });
});
