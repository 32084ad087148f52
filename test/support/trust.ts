// The test stack's trust boundary, from its data folder: tests that start a gateway or a subgraph
// of their own use the stack's gateway key (so the stack's subgraphs accept their gateway, and
// their subgraph accepts the stack's gateway), and tests that call a subgraph directly sign like
// the gateway does (or deliberately do not, to see the 401).
import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../shared/config';
import { createGatewayVerifier, type GatewayVerifier } from '../../shared/server/verify-gateway';
import { gatewaySigningKey, gatewayVerificationKeys } from '../../shared/trust/keys';
import type { ForwardedRequest } from '../../shared/trust/envelope';
import type { GatewayTrustOptions } from '../../gateway/trust';
import { createGatewaySigner } from '../../gateway/trust/sign';
import { testDataDir } from './auth';

const stackConfig = () => loadConfig({ NODE_ENV: 'test', DATA_DIR: testDataDir() });

/** Options for a test's own startGateway: signs with the stack's gateway key. */
export async function testGatewayTrust(extra: Partial<GatewayTrustOptions> = {}): Promise<GatewayTrustOptions> {
  return { signingJwk: await gatewaySigningKey(stackConfig()), ...extra };
}

/** For a test's own startSubgraph: accepts what the stack's gateway signs. */
export async function testGatewayVerifier(): Promise<GatewayVerifier> {
  return createGatewayVerifier({ jwks: await gatewayVerificationKeys(stackConfig()) });
}

/** The x-gateway-signature header the gateway would send with `body` to `service`. */
export async function signedLikeTheGateway(
  service: string,
  body: string,
  authorization: string | null,
  forwarded: Partial<ForwardedRequest> = {},
): Promise<string> {
  const signer = createGatewaySigner({ privateJwk: await gatewaySigningKey(stackConfig()) });
  return signer.signRequest(
    service,
    { requestId: randomUUID(), correlationId: null, operationName: null, clientIp: '127.0.0.1', partnerId: null, scopes: null, deadline: Date.now() + 10_000, ...forwarded },
    { body, authorization },
  );
}
