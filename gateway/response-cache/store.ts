// Where cached answers live: an LRU bounded in bytes, each entry with a time to live, and a
// generation that every invalidation bumps, so an answer computed before a content change can
// never be stored after it.
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';

export interface ResponseStoreOptions {
  /** Seconds an answer is kept. */
  ttlSeconds: number;
  /** Bytes of answers kept (UTF-16 length of the JSON text as an approximation). */
  maxBytes: number;
}

export class ResponseStore {
  private readonly lru: InMemoryLRUCache<string>;
  private current = 0;

  constructor(private readonly options: ResponseStoreOptions) {
    this.lru = new InMemoryLRUCache<string>({ maxSize: Math.max(1, options.maxBytes), sizeCalculation: (text) => text.length || 1 });
  }

  /** Changes at each invalidation: read it when a request starts, hand it back to set(). */
  get generation(): number {
    return this.current;
  }

  get(key: string): Promise<string | undefined> {
    return this.lru.get(key);
  }

  /** Stores the answer unless the content changed since `generation` was read. */
  async set(key: string, body: string, generation: number): Promise<void> {
    if (generation !== this.current || body.length > this.options.maxBytes) return;
    await this.lru.set(key, body, { ttl: this.options.ttlSeconds });
  }

  invalidate(): void {
    this.current++;
    this.lru.clear();
  }
}
