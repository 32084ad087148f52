import { appendPatientEvent } from '../../shared/domain/patient-events';
import type { GraphQLResolveInfo } from 'graphql';
import type { ChatMessage, Conversation } from '../../generated/prisma/client';
import { badUserInput, isUuid, notFound, parseId } from '../../shared/graphql/errors';
import { connectionFromQuery, type PageArgs, type PageWindow } from '../../shared/graphql/pagination';
import { wantsField } from '../../shared/graphql/selection';
import type { SubgraphContext } from '../../shared/server/context';
import type { LunaLoaders, PageFilter } from './loaders';
import { guardrailsOf, toolCallsOf } from './messages';

type Ctx = SubgraphContext<LunaLoaders>;
/** Luna does not own patient data: a Patient here is its id. */
type PatientRef = { id: string };

const DEFAULT_TITLE = 'New conversation';

async function loadPatient(ctx: Ctx, id: string): Promise<PatientRef> {
  const patient = await ctx.loaders.patient.load(id);
  if (!patient) throw notFound('Patient', id);
  return patient;
}

async function loadConversation(ctx: Ctx, id: string): Promise<Conversation> {
  const conversation = await ctx.loaders.conversation.load(parseId('id', id));
  if (!conversation) throw notFound('Conversation', id);
  return conversation;
}

/** The loader filter of one page window (connectionFromQuery has decoded and sized it). */
function pageFilter(window: PageWindow): PageFilter {
  if (window.cursor && !isUuid(window.cursor.id)) throw badUserInput('after', 'is not a cursor this API returned');
  return { take: window.take, after: window.cursor?.id.toLowerCase() ?? null };
}

export const resolvers = {
  Query: {
    conversation: (_: unknown, args: { id: string }, ctx: Ctx) => loadConversation(ctx, args.id),
  },
  Mutation: {
    startConversation: async (_: unknown, args: { patientId: string; title?: string | null }, ctx: Ctx) => {
      const profileId = parseId('patientId', args.patientId);
      const title = args.title == null ? DEFAULT_TITLE : args.title.trim();
      if (!title || title.length > 200) throw badUserInput('title', 'must be 1 to 200 characters');
      await loadPatient(ctx, profileId);
      return ctx.prisma.$transaction(async (tx) => {
        const conversation = await tx.conversation.create({ data: { profileId, title } });
        await appendPatientEvent(tx, {
          patientId: profileId,
          type: 'LUNA_CONVERSATION',
          title: `Conversation with Luna: ${title}`,
          source: 'luna',
          detail: { conversationId: conversation.id },
        });
        return conversation;
      });
    },
    archiveConversation: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const conversation = await loadConversation(ctx, args.id);
      if (conversation.status === 'ARCHIVED') return conversation;
      return ctx.prisma.conversation.update({ where: { id: conversation.id }, data: { status: 'ARCHIVED' } });
    },
  },
  Patient: {
    // A malformed id cannot be a patient; answering null keeps it out of the batched SQL.
    __resolveReference: (ref: PatientRef): PatientRef | null => (isUuid(ref.id) ? { id: ref.id } : null),
    conversations: async (patient: PatientRef, args: PageArgs, ctx: Ctx, info: GraphQLResolveInfo) => {
      const connection = await connectionFromQuery(
        (window) => ctx.loaders.conversationPages.load({ parentId: patient.id, filter: pageFilter(window) }),
        wantsField(info, 'totalCount') ? () => ctx.loaders.conversationCounts.load(patient.id) : null,
        args,
        20,
      );
      // Entity fetches and Conversation fields come back through the loader: prime it.
      for (const edge of connection.edges) ctx.loaders.conversation.prime(edge.node.id, edge.node);
      return connection;
    },
  },
  Conversation: {
    __resolveReference: (ref: { id: string }, ctx: Ctx) => (isUuid(ref.id) ? ctx.loaders.conversation.load(ref.id.toLowerCase()) : null),
    patient: (conversation: Conversation): PatientRef => ({ id: conversation.profileId }),
    messages: (conversation: Conversation, args: PageArgs, ctx: Ctx, info: GraphQLResolveInfo) =>
      connectionFromQuery(
        (window) => ctx.loaders.messagePages.load({ parentId: conversation.id, filter: pageFilter(window) }),
        wantsField(info, 'totalCount') ? () => ctx.loaders.messageCounts.load(conversation.id) : null,
        args,
        50,
      ),
  },
  ChatMessage: {
    toolCalls: (message: ChatMessage) => toolCallsOf(message.toolCalls),
    guardrails: (message: ChatMessage) => guardrailsOf(message.guardrails),
  },
};
