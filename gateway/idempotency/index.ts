// Idempotency-Key for mutations at the gateway: the plugin (plugin.ts) and where keys are kept (store.ts).
export { idempotencyPlugin, canonicalJson, requestHash, isFinal, IDEMPOTENCY_KEY_HEADER, REPLAYED_HEADER, MAX_IDEMPOTENCY_KEY_LENGTH, DEFAULT_IDEMPOTENCY_LOCK_MS, IDEMPOTENCY_LOCK_MARGIN_MS, type IdempotencyOptions } from './plugin';
export { DatabaseIdempotencyStore, MemoryIdempotencyStore, type IdempotencyStore, type Begin } from './store';
export { idempotencyScope, fetchToken } from './token';
