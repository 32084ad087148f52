// Every content mutation that succeeds announces it (topics.contentChanged), so the gateways'
// caches of anonymous public-content answers (gateway/response-cache) are emptied at once, on
// every replica when events go through Redis.
import { topics } from '../../shared/pubsub';
import type { Ctx } from './collection';

type Resolver = (parent: unknown, args: never, ctx: Ctx, info: never) => unknown;

/** The same resolvers, each announcing a content change after it succeeds (before its answer leaves). */
export function announcingChanges<T extends Record<string, Resolver>>(mutations: T): T {
  return Object.fromEntries(
    Object.entries(mutations).map(([name, resolve]) => [
      name,
      async (parent: unknown, args: never, ctx: Ctx, info: never) => {
        const result = await resolve(parent, args, ctx, info);
        // The write stands whatever happens to the event: without it, cached answers expire on their own.
        await ctx.pubsub.publish(topics.contentChanged, { mutation: name, at: new Date().toISOString() }).catch((error: unknown) => ctx.log.warn({ err: error }, 'content change not announced'));
        return result;
      },
    ]),
  ) as T;
}
