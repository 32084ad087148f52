// lunaResponse's stream. graphql-shield guards a subscription's events, not its opening, so
// the stream is authorized here when it opens, as shared/rbac/stream.ts does for a patient's
// streams: the reader needs read access to the conversation's patient (customers: their own),
// and the decision's audit row is written before any event flows.
import { topics } from '../../shared/pubsub';
import { notFound, parseId } from '../../shared/graphql/errors';
import { authorize } from '../../shared/rbac/rules';
import type { SubgraphContext } from '../../shared/server/context';
import type { LunaLoaders } from './loaders';
import type { LunaEvent } from './turn/events';

export async function conversationStream(ctx: SubgraphContext<LunaLoaders>, conversationIdArgument: string): Promise<AsyncIterableIterator<LunaEvent>> {
  const conversationId = parseId('conversationId', conversationIdArgument);
  const conversation = await ctx.loaders.conversation.load(conversationId);
  const decision = authorize(ctx, 'conversations', 'read', conversation?.profileId ?? null);
  await ctx.audit.flush(ctx.prisma, ctx);
  if (decision !== true) throw decision;
  if (!conversation) throw notFound('Conversation', conversationIdArgument);
  return ctx.pubsub.subscribeWithReplay<LunaEvent>(topics.lunaConversation(conversationId));
}
