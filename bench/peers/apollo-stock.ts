// Stock @apollo/gateway, the peer the benchmark measures ours against: ApolloServer's standalone
// HTTP server and an ApolloGateway over the same supergraph file, nothing of ours but the
// Authorization header forwarded (and, for this project's subgraphs, the signature they demand: PEER_SIGNING_JWK).
// Settings: SUPERGRAPH_PATH (absolute), PORT, PEER_SIGNING_JWK for our subgraphs.
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GATEWAY_SIGNATURE_HEADER, peerSignature } from './sign';

interface Context {
  authorization?: string;
}

process.env.APOLLO_TELEMETRY_DISABLED = 'true';

async function main(): Promise<void> {
  const gateway = new ApolloGateway({
    supergraphSdl: readFileSync(process.env.SUPERGRAPH_PATH!, 'utf8'),
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource<Context>({
        url,
        willSendRequest({ request, context }) {
          if (context.authorization) request.http?.headers.set('authorization', context.authorization);
        },
        // Stock fetch; the signature only when the subgraphs are ours.
        fetcher: (async (input: string, init: RequestInit) => {
          const headers = init.headers as Record<string, string>;
          const signature = await peerSignature(name, String(init.body ?? ''), headers.authorization ?? null);
          return fetch(input, signature ? { ...init, headers: { ...headers, [GATEWAY_SIGNATURE_HEADER]: signature } } : init);
        }) as never,
      }),
  });
  const server = new ApolloServer<Context>({ gateway, csrfPrevention: false });
  const { url } = await startStandaloneServer(server, {
    listen: { port: Number(process.env.PORT), host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  });
  console.log(`stock @apollo/gateway at ${url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
