import { GraphQLError } from 'graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { ChatMessage, ClinicalInteraction, Conversation } from '../../generated/prisma/client';
import { badUserInput, isUuid, notFound, parseId } from '../../shared/graphql/errors';
import { connectionFromQuery, type PageArgs, type PageWindow } from '../../shared/graphql/pagination';
import { mayWantAny, wantsField } from '../../shared/graphql/selection';
import type { SubgraphContext } from '../../shared/server/context';
import { MAX_MESSAGE_CHARS } from './config';
import { DEFAULT_TITLE, openConversation, receiveMessage } from './conversations';
import type { LunaLoaders, PageFilter } from './loaders';
import { guardrailsOf, toolCallsOf } from './messages';
import { conversationStream } from './stream';
import type { LunaEvent } from './turn/events';
import type { LunaServices } from './services';
import { lunaData } from './data';

type Ctx = SubgraphContext<LunaLoaders, LunaServices>;

/** Luna does not own patient data: a Patient here is its id. */
type PatientRef = { id: string };

async function loadPatient(ctx: Ctx, id: string): Promise<PatientRef> {
  const patient = await ctx.loaders.patient.load(id);
  if (!patient) throw notFound('Patient', id);
  return patient;
}

async function loadConversation(ctx: Ctx, id: string, argument = 'id'): Promise<Conversation> {
  const conversation = await ctx.loaders.conversation.load(parseId(argument, id));
  if (!conversation) throw notFound('Conversation', id);
  return conversation;
}

/** The loader filter of one page window (connectionFromQuery has decoded and sized it). */
function pageFilter(window: PageWindow): PageFilter {
  if (window.cursor && !isUuid(window.cursor.id)) throw badUserInput('after', 'is not a cursor this API returned');
  return { take: window.take, after: window.cursor?.id.toLowerCase() ?? null };
}

interface SendArgs {
  conversationId?: string | null;
  patientId?: string | null;
  message: string;
}

/** The conversation a message goes to (null: a new one) and whose it is. */
async function destination(args: SendArgs, ctx: Ctx): Promise<{ conversation: Conversation | null; profileId: string }> {
  if (args.conversationId != null) {
    const conversation = await loadConversation(ctx, args.conversationId, 'conversationId');
    if (args.patientId != null && parseId('patientId', args.patientId) !== conversation.profileId) throw badUserInput('patientId', 'is not the patient of this conversation');
    if (conversation.status === 'ARCHIVED') throw badUserInput('conversationId', 'is archived; start a new conversation');
    return { conversation, profileId: conversation.profileId };
  }
  const profileId = args.patientId != null ? parseId('patientId', args.patientId) : ctx.caller.patientId;
  if (!profileId) throw badUserInput('patientId', 'is required to start a conversation for someone without a patient record of their own');
  await loadPatient(ctx, profileId);
  return { conversation: null, profileId };
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
      return ctx.prisma.$transaction((tx) => openConversation(tx, profileId, title));
    },
    archiveConversation: async (_: unknown, args: { id: string }, ctx: Ctx) => {
      const conversation = await loadConversation(ctx, args.id);
      if (conversation.status === 'ARCHIVED') return conversation;
      return lunaData(ctx.prisma).conversation.update({ where: { id: conversation.id }, data: { status: 'ARCHIVED' } });
    },
    sendLunaMessage: async (_: unknown, args: SendArgs, ctx: Ctx) => {
      // Luna's tools run free-form queries with the caller's token, which partner tokens may not.
      if (ctx.caller.partnerId) throw new GraphQLError('Partner clients cannot chat with Luna', { extensions: { code: 'FORBIDDEN' } });
      const text = args.message.trim();
      if (!text || text.length > MAX_MESSAGE_CHARS) throw badUserInput('message', `must be 1 to ${MAX_MESSAGE_CHARS} characters`);
      const { runner, turnLimit, clock } = ctx.services;
      await turnLimit(ctx.caller);
      const { conversation, profileId } = await destination(args, ctx);
      // A PENDING reply older than a turn's deadline belongs to a turn that died: it does not block.
      const pendingAfter = new Date(clock.now().getTime() - runner.deps.config.turnTimeoutMs);
      const author = { id: ctx.caller.userId, role: ctx.caller.role };
      const received = await receiveMessage(ctx.prisma, { conversation, profileId, text, pendingAfter, author });
      runner.start({
        turnId: received.reply.id,
        conversationId: received.conversation.id,
        patientId: profileId,
        userMessageId: received.message.id,
        text,
        authorRole: author.role,
        authorization: ctx.authorization,
      });
      return received;
    },
  },
  Subscription: {
    lunaResponse: {
      subscribe: (_: unknown, args: { conversationId: string }, ctx: Ctx) => conversationStream(ctx, args.conversationId),
      resolve: (event: LunaEvent) => event,
    },
  },
  LunaEvent: {
    __resolveType: (event: LunaEvent) => event.__typename,
  },
  Patient: {
    // A malformed id cannot be a patient; answering null keeps it out of the batched SQL.
    __resolveReference: (ref: PatientRef): PatientRef | null => (isUuid(ref.id) ? { id: ref.id } : null),
    conversations: async (patient: PatientRef, args: PageArgs, ctx: Ctx, info: GraphQLResolveInfo) => {
      // `conversations { totalCount }` (the dashboard) needs the count alone: no page is read.
      const rows = mayWantAny(info, ['edges', 'pageInfo']);
      const connection = await connectionFromQuery(
        (window) => (rows ? ctx.loaders.conversationPages.load({ parentId: patient.id, filter: pageFilter(window) }) : Promise.resolve([])),
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
    clinicalInteractions: (conversation: Conversation, _: unknown, ctx: Ctx) => ctx.loaders.clinicalInteractions.load(conversation.id),
  },
  ClinicalInteraction: {
    detail: (interaction: ClinicalInteraction) => (interaction.detail == null ? null : JSON.stringify(interaction.detail)),
  },
  ChatMessage: {
    toolCalls: (message: ChatMessage) => toolCallsOf(message.toolCalls),
    guardrails: (message: ChatMessage) => guardrailsOf(message.guardrails),
  },
};
