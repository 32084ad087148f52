// What a peer gateway needs to reach this project's subgraphs at all: each request signed with the
// gateway key (gateway/trust/sign.ts), as ours does; a subgraph answers nothing unsigned. The key
// comes from PEER_SIGNING_JWK (bench/gateways.ts passes the development key of the subgraphs'
// DATA_DIR); unset, nothing is signed (the Guild's subgraphs check nothing). Only file imports
// without __dirname here: Hive Gateway loads its config, and so this, as an ES module.
import { randomUUID } from 'node:crypto';
import { GATEWAY_SIGNATURE_HEADER } from '../../shared/trust/envelope';
import { createGatewaySigner, type GatewaySigner } from '../../gateway/trust/sign';

export { GATEWAY_SIGNATURE_HEADER };

let signer: GatewaySigner | undefined;

/** Signs one subgraph request (body as sent, Authorization forwarded), or null without PEER_SIGNING_JWK. */
export async function peerSignature(service: string, body: string, authorization: string | null): Promise<string | null> {
  if (!process.env.PEER_SIGNING_JWK) return null;
  signer ??= createGatewaySigner({ privateJwk: JSON.parse(process.env.PEER_SIGNING_JWK) });
  const forwarded = { requestId: randomUUID(), correlationId: null, operationName: null, clientIp: null, partnerId: null, scopes: null, deadline: Date.now() + 10_000 };
  return signer.signRequest(service, forwarded, { body, authorization });
}
