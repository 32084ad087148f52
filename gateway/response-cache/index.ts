// The gateway's response cache for public data: an anonymous caller's query that only the
// content subgraph serves (eligibility.ts) is answered from memory after the first time, without
// planning or any subgraph request. Every content mutation empties it (the content subgraph
// announces topics.contentChanged; through Redis that reaches every gateway replica), and each
// answer also expires after its time to live. Signed-in callers, mutations, answers with errors
// and anything touching another subgraph are never cached.
import { createHash } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { topics, type PubSub } from '../../shared/pubsub';
import { counter, perService } from '../../shared/observability/service-metrics';
import type { Logger } from '../../shared/logger';
import { Eligibility, type EligibilityOptions } from './eligibility';
import { ResponseStore } from './store';

export interface ResponseCacheOptions extends EligibilityOptions {
  /** Seconds an answer is kept (config.responseCache.ttlSeconds); 0 turns the cache off. */
  ttlSeconds: number;
  /** Bytes of answers kept (config.responseCache.maxBytes). */
  maxBytes: number;
  /** Content changes arrive here (the process's pub/sub: Redis when REDIS_URL is set). */
  pubsub?: PubSub;
  log: Logger;
}

/** Tells a client (and a test) how its answer was made: HIT from the cache, MISS computed and stored. */
export const RESPONSE_CACHE_HEADER = 'x-response-cache';

const metrics = perService((registry) => ({
  lookups: counter(registry, 'gateway_response_cache_lookups_total', 'Response-cache lookups of anonymous public-content queries, by result (hit, miss)', ['result']),
  invalidations: counter(registry, 'gateway_response_cache_invalidations_total', 'Times the response cache was emptied (a content change, a new supergraph)'),
}));

export interface ResponseCache {
  middleware: RequestHandler;
  /** Empties it now (the supergraph changed). */
  invalidate(): void;
  close(): Promise<void>;
}

interface GraphQLBody {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

const keyOf = (query: string, operationName: string | undefined, variables: unknown) =>
  createHash('sha256').update(`${operationName ?? ''}\0${query}\0${JSON.stringify(variables ?? {})}`).digest('base64url');

/** A 200 JSON answer without errors: the only kind stored. */
function storable(res: Response, body: unknown): body is string {
  if (res.statusCode !== 200 || typeof body !== 'string' || !/^application\/(graphql-response\+)?json/.test(String(res.getHeader('content-type') ?? ''))) return false;
  try {
    const parsed = JSON.parse(body) as { errors?: unknown; data?: unknown };
    return !parsed.errors && parsed.data != null;
  } catch {
    return false;
  }
}

export function responseCache(options: ResponseCacheOptions): ResponseCache {
  const { lookups, invalidations } = metrics('gateway');
  const store = new ResponseStore({ ttlSeconds: options.ttlSeconds, maxBytes: options.maxBytes });
  const eligibility = new Eligibility(options);
  const invalidate = () => {
    store.invalidate();
    invalidations.inc();
  };
  const changes = options.pubsub && options.ttlSeconds > 0 ? options.pubsub.subscribe(topics.contentChanged) : undefined;
  const listening = (async () => {
    if (!changes) return;
    try {
      for await (const _ of changes) invalidate();
    } catch (error) {
      // Without change events the answers still expire after their time to live.
      options.log.error({ err: error }, 'response cache: content change events stopped');
    }
  })();

  const middleware: RequestHandler = async (req, res, next) => {
    const body = req.body as GraphQLBody | undefined;
    if (
      options.ttlSeconds <= 0 ||
      req.method !== 'POST' ||
      req.headers.authorization ||
      !req.is('application/json') ||
      !body ||
      typeof body.query !== 'string' ||
      (body.operationName != null && typeof body.operationName !== 'string') ||
      (body.extensions != null && Object.keys(body.extensions as object).length > 0) ||
      // @defer for a client that reads parts: answered in parts (gateway/defer), never from one cached answer.
      (body.query.includes('@defer') && /multipart\/mixed/i.test(req.headers.accept ?? ''))
    ) {
      return next();
    }
    const operationName = (body.operationName as string | null) ?? undefined;
    if (!eligibility.publicQuery(body.query, operationName)) return next();
    const key = keyOf(body.query, operationName, body.variables);
    const cached = await store.get(key);
    if (cached !== undefined) {
      lookups.inc({ result: 'hit' });
      res.status(200).set(RESPONSE_CACHE_HEADER, 'HIT').type('application/json; charset=utf-8').send(cached);
      return;
    }
    lookups.inc({ result: 'miss' });
    const generation = store.generation;
    res.set(RESPONSE_CACHE_HEADER, 'MISS');
    const send = res.send.bind(res);
    res.send = (answer?: unknown) => {
      if (storable(res, answer)) void store.set(key, answer, generation);
      return send(answer);
    };
    next();
  };

  return {
    middleware,
    invalidate: () => {
      eligibility.reset();
      invalidate();
    },
    async close() {
      await changes?.return?.();
      await listening;
    },
  };
}
