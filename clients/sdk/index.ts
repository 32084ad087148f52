// @loop-health/sdk: the typed client and every generated operation document.
export { LoopClient, newIdempotencyKey, DEFAULT_MUTATION_ATTEMPTS, INCREMENTAL_ACCEPT, type PartialResult, type LoopClientOptions, type RequestOptions, type SubscriptionHandlers } from './client';
export { LoopGraphQLError, ERROR_CODES, type LoopErrorCode } from './errors';
export * from './generated/graphql';
