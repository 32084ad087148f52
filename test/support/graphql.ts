// Tests talk to the real gateway with the project's one GraphQL-over-HTTP client
// (shared/graphql/http-client.ts), seeing each answer's status and headers too.
import { GRAPHQL_RESPONSE_ACCEPT, GraphQLHttpClient } from '../../shared/graphql/http-client';
import { GATEWAY_SIGNATURE_HEADER, type ForwardedRequest } from '../../shared/trust/envelope';
import { signedLikeTheGateway } from './trust';
export { GRAPHQL_RESPONSE_ACCEPT };

export interface GraphQLResponse<T = Record<string, any>> {
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export const gatewayUrl = () => {
  const url = process.env.GATEWAY_URL;
  if (!url) throw new Error('GATEWAY_URL is not set: tests run under jest with test/support/global-setup.ts');
  return url;
};

/** The test stack's subgraphs, in port order (TEST_PORT_BASE + 1…6, as shared/config's SERVICE_NAMES). */
export const STACK_SUBGRAPHS = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'];

/** A subgraph of the test stack, by name: its base URL (each serves its own /metrics, /healthz, /readyz). */
export const stackSubgraphBase = (name: string) => {
  const index = STACK_SUBGRAPHS.indexOf(name);
  if (index < 0) throw new Error(`no subgraph ${name}`);
  return `http://127.0.0.1:${Number(process.env.TEST_PORT_BASE) + index + 1}`;
};

export interface GqlOptions {
  url?: string;
  headers?: Record<string, string>;
  /** Calling a subgraph directly: sign the request as the gateway would for this service (test/support/trust.ts). */
  signAs?: { service: string; forwarded?: Partial<ForwardedRequest> };
}

export async function gql<T = Record<string, any>>(
  query: string,
  variables: Record<string, unknown> = {},
  options: GqlOptions = {},
): Promise<GraphQLResponse<T> & { status: number; headers: Headers }> {
  const body = JSON.stringify({ query, variables });
  const headers: Record<string, string> = { ...options.headers };
  if (options.signAs) {
    headers[GATEWAY_SIGNATURE_HEADER] = await signedLikeTheGateway(options.signAs.service, body, headers.authorization ?? null, options.signAs.forwarded);
  }
  // As the GraphQL over HTTP spec asks of clients: refusals then keep their 4xx (test/graphql-over-http.test.ts).
  const client = new GraphQLHttpClient({ url: `${options.url ?? gatewayUrl()}/graphql`, accept: headers.accept ?? GRAPHQL_RESPONSE_ACCEPT });
  const response = await client.post<T>({ query, variables }, { headers, body });
  if (!response.body) throw new Error(`HTTP ${response.status} without a GraphQL answer: ${response.text?.slice(0, 200)}`);
  return { status: response.status, headers: response.headers, ...(response.body as GraphQLResponse<T>) };
}

export function codes(response: GraphQLResponse): string[] {
  return (response.errors ?? []).map((error) => String(error.extensions?.code));
}

export async function sqlStatements(url = gatewayUrl()): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const match = text.match(/^db_sql_statements_total (\d+)/m);
  if (!match) throw new Error('db_sql_statements_total missing from /metrics');
  return Number(match[1]);
}

/** A test's client acting with the headers `headers()` returns (set in its beforeAll). */
export function clientWith(headers: () => Record<string, string>) {
  const ask = (query: string, variables: Record<string, unknown> = {}, extra?: Record<string, string>) =>
    gql(query, variables, { headers: extra ?? headers() });
  /** The data of a request that must succeed. */
  const data = async (query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const response = await ask(query, variables);
    expect(response.errors ?? []).toEqual([]);
    return response.data;
  };
  return { ask, data };
}

/** One BAD_USER_INPUT error that names `argument`, as badUserInput() reports it. */
export function expectBadInput(response: GraphQLResponse, argument: string): void {
  expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  expect(response.errors![0].message.startsWith(`${argument}:`)).toBe(true);
  expect(response.errors![0].extensions?.argument).toBe(argument);
}

export function expectNotFound(response: GraphQLResponse): void {
  expect(codes(response)).toEqual(['NOT_FOUND']);
}
