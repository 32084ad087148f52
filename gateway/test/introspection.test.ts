// Introspection and the playground follow one switch: on in development, off in production
// (NODE_ENV=production) unless PLAYGROUND=true. A gateway in each setting, in-process.
import { readFileSync } from 'node:fs';
import { SUPERGRAPH_FILE } from '../compose';
import { startGateway } from '../server';
import type { RunningServer } from '../../shared/server/listen';
import { testGatewayTrust } from '../../test/support/trust';

async function gatewayWith(playground: boolean): Promise<RunningServer> {
  return startGateway({
    host: '127.0.0.1',
    port: 0,
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    // Introspection and the page never reach a subgraph.
    subgraphUrls: {},
    subgraphTimeoutMs: 1_000,
    exposeErrorDetails: false,
    verifyToken: async () => {
      throw new Error('no tokens in this test');
    },
    playground,
    trust: await testGatewayTrust(),
  });
}

const INTROSPECTION = JSON.stringify({ query: '{ __schema { queryType { name } } }' });

describe.each([
  ['production (off)', false],
  ['development (on)', true],
])('a gateway in %s', (_name, on) => {
  let gateway: RunningServer;
  beforeAll(async () => {
    gateway = await gatewayWith(on);
  });
  afterAll(() => gateway.stop());

  it(on ? 'answers introspection' : 'refuses introspection', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: INTROSPECTION });
    const body = (await response.json()) as { data?: { __schema: { queryType: { name: string } } }; errors?: { extensions: { code: string } }[] };
    if (on) expect(body.data!.__schema.queryType.name).toBe('Query');
    else expect(body.errors!.map((e) => e.extensions.code)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it(on ? 'serves the playground to a browser' : 'serves no playground', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    const html = await response.text();
    expect(html.includes('id="playground-config"')).toBe(on);
  });
});
