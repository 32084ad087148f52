// A gateway of a test's own in front of the test stack's subgraphs (some of them replaced: a
// TCP proxy, a port nothing listens on, a subgraph of the test's own), verifying the stack's
// dev tokens and signing for its subgraphs as the stack's gateway does. Options the test names
// replace the defaults.
import { readFileSync } from 'node:fs';
import { SUPERGRAPH_FILE } from '../../gateway/compose';
import { startGateway, type GatewayOptions } from '../../gateway/server';
import { DEV_ISSUER, devJwks } from '../../shared/auth/dev-issuer';
import { createTokenVerifier } from '../../shared/auth/verify';
import type { RunningServer } from '../../shared/server/listen';
import { testDataDir } from './auth';
import { stackSubgraphBase, STACK_SUBGRAPHS } from './graphql';
import { testGatewayTrust } from './trust';

/** How long the test gateway waits for a subgraph unless told otherwise. */
const TEST_SUBGRAPH_TIMEOUT_MS = 5_000;

/** The GraphQL endpoints of the test stack's subgraphs by name, with `replaced` ones swapped in. */
export function stackSubgraphUrls(replaced: Record<string, string> = {}): Record<string, string> {
  return { ...Object.fromEntries(STACK_SUBGRAPHS.map((name) => [name, `${stackSubgraphBase(name)}/graphql`])), ...replaced };
}

export interface TestGatewayOptions extends Partial<GatewayOptions> {
  /** Options of the gateway's trust (trusted proxies, …) beside the test stack's keys. */
  trustOptions?: Parameters<typeof testGatewayTrust>[0];
}

export async function startTestGateway({ trustOptions, ...options }: TestGatewayOptions = {}): Promise<RunningServer> {
  return startGateway({
    host: '127.0.0.1',
    port: 0,
    supergraphSdl: readFileSync(SUPERGRAPH_FILE, 'utf8'),
    subgraphUrls: stackSubgraphUrls(),
    subgraphTimeoutMs: TEST_SUBGRAPH_TIMEOUT_MS,
    exposeErrorDetails: false,
    verifyToken: createTokenVerifier({ jwks: await devJwks(testDataDir()), issuer: DEV_ISSUER }),
    trust: await testGatewayTrust(trustOptions),
    ...options,
  });
}
