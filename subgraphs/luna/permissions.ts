import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { argument, ownerOf, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard } from '../../shared/rbac/rules';
import type { LunaLoaders } from './loaders';

const ownerOfConversation = ownerOf('id', (ctx: { loaders: LunaLoaders }, id) => ctx.loaders.conversation.load(id));

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
