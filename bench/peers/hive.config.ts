// Hive Gateway (@graphql-hive/gateway) as shipped, for the benchmark: its defaults, plus only what
// reaching the subgraphs needs: the client's Authorization header passed on, and, for this project's
// subgraphs (PEER_SIGNING_JWK), the gateway signature they demand over the exact body sent.
import { defineConfig } from '@graphql-hive/gateway';
import { GATEWAY_SIGNATURE_HEADER, peerSignature } from './sign';

export const gatewayConfig = defineConfig({
  plugins: () => [
    {
      async onFetch({ options, setOptions, context, executionRequest }) {
        const authorization = (context as { request?: Request } | undefined)?.request?.headers.get('authorization') ?? null;
        const headers = { ...(options.headers as Record<string, string>) };
        if (authorization) headers.authorization = authorization;
        const service = executionRequest?.subgraphName ?? '';
        const signature = await peerSignature(service, String(options.body ?? ''), authorization);
        if (signature) headers[GATEWAY_SIGNATURE_HEADER] = signature;
        setOptions({ ...options, headers });
      },
    },
  ],
});
