// @loop-health/sdk: the typed client and every generated operation document.
export { LoopClient, newIdempotencyKey, DEFAULT_MUTATION_ATTEMPTS, INCREMENTAL_ACCEPT, type PartialResult, type LoopClientOptions, type RequestOptions, type SubscriptionHandlers } from './client';
export { LoopGraphQLError, ERROR_CODES, type LoopErrorCode } from './errors';
export * from './generated/graphql';
// The GraphQL-over-HTTP client under LoopClient, for operations that are not in clients/operations.
export { GraphQLHttpClient, GraphQLTransportError, IDEMPOTENCY_KEY_HEADER, REQUEST_ID_HEADER, type GraphQLHttpClientOptions, type GraphQLHttpResponse, type GraphQLRequest } from '../../shared/graphql/http-client';
