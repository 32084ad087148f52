// The gateway's data source with a subgraph registered in its process (shared/server/in-process.ts):
// the fetch goes to it unsigned and its result comes back as it is; a refusal keeps its code;
// a subgraph too slow is given up at the deadline like an HTTP one, its signal fired; once it
// stops serving in-process, the fetch goes over HTTP again.
import type { GraphQLError } from 'graphql';
import { SubgraphDataSource } from '../datasource';
import { subgraphGuards } from '../resilience';
import type { GatewaySigner } from '../trust/sign';
import { inProcessSubgraphs, type InProcessCall, type InProcessSubgraph } from '../../shared/server/in-process';

/** Nothing listens on port 9 (discard): over HTTP the fetch fails. */
const URL = 'http://127.0.0.1:9/graphql';

function setUp(subgraph: InProcessSubgraph, timeoutMs = 1_000, servedAs = 'labs') {
  const registry = inProcessSubgraphs();
  const stop = registry.serve(servedAs, URL, subgraph);
  const signed: string[] = [];
  const signer = {
    signRequest: async (service: string) => {
      signed.push(service);
      return 'signature';
    },
  } as unknown as GatewaySigner;
  const source = new SubgraphDataSource({ name: 'labs', url: URL, timeoutMs, signer, guard: subgraphGuards()(`labs-${Math.random()}`), inProcess: registry });
  const context = { authorization: 'Bearer t', requestId: 'req-1', correlationId: null, operationName: 'Q', clientIp: '10.0.0.1', partnerId: null, scopes: null, signal: new AbortController().signal, audience: null };
  const fetchOnce = () => source.process({ request: { query: 'query Q { labResults { id } }', variables: { a: 1 }, operationName: 'Q' }, context } as never);
  return { fetchOnce, signed, stop };
}

const failure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected the fetch to fail');
};

describe('a subgraph served in the gateway’s process', () => {
  it('gets the operation and identity unsigned, and its result is the fetch’s', async () => {
    const calls: InProcessCall[] = [];
    const result = { data: { labResults: [{ id: 'l1' }] } };
    const { fetchOnce, signed } = setUp(async (call) => {
      calls.push(call);
      return { status: 200, cacheControl: null, result };
    });
    expect(await fetchOnce()).toBe(result);
    expect(signed).toEqual([]);
    expect(calls).toHaveLength(1);
    expect(calls[0].operation).toMatchObject({ query: 'query Q { labResults { id } }', variables: { a: 1 }, operationName: 'Q' });
    expect(calls[0].authorization).toBe('Bearer t');
    expect(calls[0].forwarded).toMatchObject({ requestId: 'req-1', operationName: 'Q', clientIp: '10.0.0.1', partnerId: null });
  });

  it('passes a refusal on with its code, as from an HTTP answer', async () => {
    const { fetchOnce } = setUp(async () => ({ status: 401, cacheControl: null, result: { errors: [{ message: 'The token has expired', extensions: { code: 'UNAUTHENTICATED' } }] } }));
    const error = await failure(fetchOnce());
    expect(error.message).toBe('The token has expired');
    expect(error.extensions).toMatchObject({ code: 'UNAUTHENTICATED', serviceName: 'labs' });
  });

  it('gives a subgraph that does not answer up at the deadline, and tells it so', async () => {
    let seen: AbortSignal | undefined;
    const { fetchOnce } = setUp((call) => {
      seen = call.signal;
      return new Promise(() => {});
    }, 50);
    const error = await failure(fetchOnce());
    expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labs' });
    expect(error.message).toBe('The labs service did not answer in time');
    expect(seen?.aborted).toBe(true);
  });

  it('never hands a fetch for one subgraph to another served at its URL', async () => {
    let called = false;
    const { fetchOnce, signed } = setUp(
      async () => {
        called = true;
        return { status: 200, cacheControl: null, result: { data: {} } };
      },
      1_000,
      'protocols',
    );
    const error = await failure(fetchOnce());
    expect(called).toBe(false);
    expect(signed).toEqual(['labs']);
    expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labs' });
  });

  it('goes over HTTP, signed, once the subgraph no longer serves in-process', async () => {
    const { fetchOnce, signed, stop } = setUp(async () => ({ status: 200, cacheControl: null, result: { data: {} } }));
    stop();
    const error = await failure(fetchOnce());
    expect(signed).toEqual(['labs']);
    expect(error.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'labs' });
  });
});
