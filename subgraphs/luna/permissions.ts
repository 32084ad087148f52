import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { argument, ownerOf, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard, type PatientOf } from '../../shared/rbac/rules';
import type { RbacContext } from '../../shared/rbac/rules';
import type { LunaLoaders } from './loaders';

const loadConversation = (ctx: { loaders: LunaLoaders }, id: string) => ctx.loaders.conversation.load(id);
const ownerOfConversation = ownerOf('id', loadConversation);

/** A message goes to a conversation (its patient's), or starts one for `patientId`, or for the caller's own record. */
const recipientOfMessage: PatientOf = (parent, args, ctx: RbacContext) => {
  if (args?.conversationId != null) return ownerOf('conversationId', loadConversation)(parent, args, ctx);
  if (args?.patientId != null) return argument('patientId')(parent, args, ctx);
  return ctx.caller.patientId ?? null;
};

const EVENT_TYPES = ['LunaTurnStarted', 'LunaTextDelta', 'LunaToolCallStarted', 'LunaToolCallFinished', 'LunaGuardrailNotice', 'LunaEmergencyNotice', 'LunaTurnDone', 'LunaTurnError'];

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    conversation: guard('conversations', 'read', ownerOfConversation),
  },
  Mutation: {
    startConversation: guard('conversations', 'create', argument('patientId')),
    archiveConversation: guard('conversations', 'update', ownerOfConversation),
    sendLunaMessage: guard('conversations', 'create', recipientOfMessage),
  },
  // The stream itself is authorized (and audited) when it opens (stream.ts); each event again here.
  Subscription: { lunaResponse: guard('conversations', 'read', ownerOf('conversationId', loadConversation)) },
  ...FEDERATION_TYPES,
  Patient: { id: allow, '*': guard('conversations', 'read', (patient: { id: string }) => patient.id) },
  Conversation: { id: allow, '*': guard('conversations', 'read', (conversation: { profileId: string }) => conversation.profileId) },
  ...reachedThroughGuard(
    'ChatMessage',
    'ToolCall',
    'GuardrailOutcome',
    'ClinicalInteraction',
    'LunaMessageReceipt',
    ...EVENT_TYPES,
    'ConversationConnection',
    'ConversationEdge',
    'ChatMessageConnection',
    'ChatMessageEdge',
    'PageInfo',
  ),
};
