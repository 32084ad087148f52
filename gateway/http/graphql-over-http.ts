// GraphQL over HTTP as the spec reads (checked by graphql-http's own audit, test/graphql-over-http.test.ts):
// - status codes by media type: a client that accepts only `application/json` gets 200 for a
//   well-formed GraphQL answer, refusals included (parse, validation, variable coercion, an
//   operation limit); `application/graphql-response+json` keeps Apollo's 4xx for them;
// - `GET /graphql?query=…` runs queries (Apollo answers a mutation over GET with 405 and
//   `Allow: POST`), and the answer says how it may be cached: `public, max-age=…` only when an
//   anonymous caller's query touched nothing but public subgraphs (content) and had no error;
//   everything else, PHI or a token involved, is `private, no-store`.
import type { ApolloServerPlugin } from '@apollo/server';
import type { QueryPlan, PlanNode, SubscriptionNode } from '@apollo/query-planner';
import type { RequestHandler } from 'express';
import Negotiator from 'negotiator';
import { ErrorCode } from '../../shared/graphql/errors';
import type { GatewayContext } from '../context';

export const MEDIA_TYPES = { json: 'application/json', graphqlResponse: 'application/graphql-response+json' } as const;

/** Subgraphs whose reads are public (DESIGN.md: content is public to read). */
export const DEFAULT_PUBLIC_SERVICES: readonly string[] = ['content'];
/** Anything with PHI, a token or an error: no cache keeps it. */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/** Codes of a well-formed answer that refuses the request before anything ran. */
const REFUSAL_CODES = new Set<string>(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', ErrorCode.BAD_USER_INPUT, ErrorCode.OPERATION_LIMIT]);

export interface GraphqlOverHttpOptions {
  /** `max-age` of a public read (GRAPHQL_PUBLIC_MAX_AGE_SECONDS). */
  publicMaxAgeSeconds: number;
  /** Subgraphs an anonymous GET may touch and still be cached publicly (default DEFAULT_PUBLIC_SERVICES). */
  publicServices?: readonly string[];
}

/** True when the Accept header prefers the GraphQL response media type over plain JSON (Apollo's own choice). */
export function prefersGraphqlResponseJson(accept: string | undefined): boolean {
  if (!accept) return false;
  return new Negotiator({ headers: { accept } }).mediaType([MEDIA_TYPES.json, MEDIA_TYPES.graphqlResponse]) === MEDIA_TYPES.graphqlResponse;
}

/** Every subgraph a query plan fetches from. */
export function servicesOf(plan: QueryPlan): string[] {
  const services = new Set<string>();
  const walk = (node: PlanNode | SubscriptionNode | undefined): void => {
    if (!node) return;
    switch (node.kind) {
      case 'Fetch':
        services.add(node.serviceName);
        break;
      case 'Sequence':
      case 'Parallel':
        node.nodes.forEach(walk);
        break;
      case 'Flatten':
        walk(node.node);
        break;
      case 'Defer':
        walk(node.primary.node);
        node.deferred.forEach((deferred) => walk(deferred.node));
        break;
      case 'Condition':
        walk(node.ifClause);
        walk(node.elseClause);
        break;
      default:
        // Subscription plans do not reach HTTP; an unknown node kind counts as private.
        services.add('?');
    }
  };
  walk(plan.node);
  return [...services];
}

/** For ApolloGateway's experimental_didResolveQueryPlan: notes on the context which subgraphs the operation reaches. */
export function notePlannedServices({ queryPlan, requestContext }: { queryPlan: QueryPlan; requestContext: { context: unknown } }): void {
  (requestContext.context as GatewayContext).plannedServices = servicesOf(queryPlan);
}

export function graphqlOverHttp(options: GraphqlOverHttpOptions) {
  const publicServices = new Set(options.publicServices ?? DEFAULT_PUBLIC_SERVICES);
  const publicCacheControl = options.publicMaxAgeSeconds > 0 ? `public, max-age=${options.publicMaxAgeSeconds}` : PRIVATE_CACHE_CONTROL;
  const plugin: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response, contextValue, operation }) {
          const http = response.http;
          if (response.body.kind !== 'single') {
            http.headers.set('cache-control', PRIVATE_CACHE_CONTROL);
            return;
          }
          const errors = response.body.singleResult.errors ?? [];
          if (http.status === 400 && errors.length && !prefersGraphqlResponseJson(request.http?.headers.get('accept'))) {
            if (errors.every((error) => REFUSAL_CODES.has(String(error.extensions?.code)))) http.status = 200;
          }
          const cacheable =
            request.http?.method === 'GET' &&
            operation?.operation === 'query' &&
            !contextValue.authorization &&
            !errors.length &&
            (contextValue.plannedServices ?? ['?']).every((service) => publicServices.has(service));
          http.headers.set('cache-control', cacheable ? publicCacheControl : PRIVATE_CACHE_CONTROL);
        },
      };
    },
  };
  /** Before Apollo on /graphql: a GET answer differs by Accept (JSON or the playground) and by token. */
  const vary: RequestHandler = (req, res, next) => {
    if (req.method === 'GET' || req.method === 'HEAD') res.vary('Accept').vary('Authorization');
    next();
  };
  return { plugin, vary };
}
