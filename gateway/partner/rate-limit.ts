// Per-credential request limits for partner clients: a fixed one-minute window per credential,
// in memory for one gateway or in Redis (REDIS_URL) so every replica counts together. The
// counters themselves are shared with the upload and Luna limits (shared/limits/rate-limit.ts).
export * from '../../shared/limits/rate-limit';
