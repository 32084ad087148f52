// npm run -s keys: prints fresh production keys for the settings that need them, as
// environment lines: the gateway's request-signing pair (GATEWAY_SIGNING_JWK on the gateway,
// GATEWAY_JWKS on every subgraph) and the audit digests' pair (AUDIT_DIGEST_SIGNING_JWK on the
// patient service, AUDIT_DIGEST_JWKS wherever `npm run audit:verify` runs). Keep the private ones secret.
import { newKeyPair } from '../shared/auth/key-file';

async function main() {
  const gateway = await newKeyPair('gateway', 'EdDSA');
  const audit = await newKeyPair('audit', 'EdDSA');
  const line = (name: string, value: object) => `${name}='${JSON.stringify(value)}'`;
  console.log(line('GATEWAY_SIGNING_JWK', gateway.privateJwk));
  console.log(line('GATEWAY_JWKS', { keys: [gateway.publicJwk] }));
  console.log(line('AUDIT_DIGEST_SIGNING_JWK', audit.privateJwk));
  console.log(line('AUDIT_DIGEST_JWKS', { keys: [audit.publicJwk] }));
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
