import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { isUuid } from '../../shared/graphql/errors';
import { argument, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard } from '../../shared/rbac/rules';
import type { LunaLoaders } from './loaders';

async function ownerOfConversation(_: unknown, args: { id: string }, ctx: { loaders: LunaLoaders }) {
  return isUuid(args.id) ? ((await ctx.loaders.conversation.load(args.id.toLowerCase()))?.profileId ?? null) : null;
}

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    conversation: guard('conversations', 'read', ownerOfConversation),
  },
  Mutation: {
    startConversation: guard('conversations', 'create', argument('patientId')),
    archiveConversation: guard('conversations', 'update', ownerOfConversation),
  },
  ...FEDERATION_TYPES,
  Patient: { id: allow, '*': guard('conversations', 'read', (patient: { id: string }) => patient.id) },
  Conversation: { id: allow, '*': guard('conversations', 'read', (conversation: { profileId: string }) => conversation.profileId) },
  ...reachedThroughGuard('ChatMessage', 'ToolCall', 'GuardrailOutcome', 'ConversationConnection', 'ConversationEdge', 'ChatMessageConnection', 'ChatMessageEdge', 'PageInfo'),
};
