// A partner (machine) client for tests: an admin creates its credential, which is exchanged at
// POST /oauth/token for a bearer token, as a partner would.
import { authHeaders } from './auth';
import { gatewayUrl, gql } from './graphql';

/** A token for a new credential with these settings (name, role, scopes; a generous rate limit unless given). */
export async function partnerToken(input: { name: string; role: string; scopes: string[]; rateLimitPerMinute?: number }): Promise<{ access_token: string; scope: string }> {
  const created = await gql(
    'mutation($input: CreatePartnerCredentialInput!) { createPartnerCredential(input: $input) { clientSecret credential { clientId } } }',
    { input: { rateLimitPerMinute: 1000, ...input } },
    { headers: await authHeaders('admin') },
  );
  expect(created.errors ?? []).toEqual([]);
  const { clientSecret, credential } = created.data!.createPartnerCredential;
  const response = await fetch(`${gatewayUrl()}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credential.clientId, client_secret: clientSecret }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { access_token: string; scope: string };
}
