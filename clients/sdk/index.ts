// @loop-health/sdk: the typed client and every generated operation document.
export { LoopClient, type LoopClientOptions, type SubscriptionHandlers } from './client';
export { LoopGraphQLError, ERROR_CODES, type LoopErrorCode } from './errors';
export * from './generated/graphql';
