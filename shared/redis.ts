// A Redis connection (ioredis), the module loaded on the first one: a process without REDIS_URL,
// as the embedded default runs, never loads ioredis (about 60 ms of every start otherwise).
import type Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

export type { Redis };

export function connectRedis(url: string, options: RedisOptions): Redis {
  const { default: RedisClient } = require('ioredis') as typeof import('ioredis');
  return new RedisClient(url, options);
}
