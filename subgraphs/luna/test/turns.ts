// Helpers for tests of Luna turns: send a message, follow the turn on the gateway's
// subscription with a real graphql-ws client, read the stored reply.
import type { Client } from 'graphql-ws';
import { gql, type GraphQLResponse } from '../../../test/support/graphql';
import { collect, eventually } from '../../../test/support/ws';

export const SEND = `mutation Send($m: String!, $c: ID, $p: ID) {
  sendLunaMessage(message: $m, conversationId: $c, patientId: $p) {
    conversation { id title patient { id } }
    message { id role status content authorRole }
    reply { id role status content authorRole }
  }
}`;

const MESSAGE_FIELDS = 'id role status content createdAt toolCalls { name arguments resultSize durationMs error } guardrails { check action detail }';

export const FOLLOW = `subscription Follow($c: ID!) {
  lunaResponse(conversationId: $c) {
    __typename conversationId turnId sequence at
    ... on LunaTurnStarted { messageId model }
    ... on LunaTextDelta { text }
    ... on LunaToolCallStarted { callId name argumentsSummary }
    ... on LunaToolCallFinished { callId name ok resultSize durationMs error }
    ... on LunaGuardrailNotice { check action detail }
    ... on LunaEmergencyNotice { category severity emergencyNumber crisisLine }
    ... on LunaTurnDone { message { ${MESSAGE_FIELDS} } }
    ... on LunaTurnError { code reason attempts message { ${MESSAGE_FIELDS} } }
  }
}`;

export const CONVERSATION = `query Conversation($id: ID!) {
  conversation(id: $id) {
    id title status patient { id }
    messages { totalCount edges { node { ${MESSAGE_FIELDS} } } }
    clinicalInteractions { kind severity detail createdAt }
  }
}`;

export type LunaEvent = Record<string, any> & { __typename: string; sequence: number; turnId: string };

export const isEnd = (event: LunaEvent) => event.__typename === 'LunaTurnDone' || event.__typename === 'LunaTurnError';

/** The events of one turn, from its first to its end (or until `until` holds). */
export async function followTurn(client: Client, conversationId: string, turnId: string, options: { timeoutMs?: number; until?: (events: LunaEvent[]) => boolean } = {}) {
  const stream = collect(client, FOLLOW, { c: conversationId });
  const turn = () => stream.events.map((event) => event.data?.lunaResponse as LunaEvent).filter((event) => event?.turnId === turnId);
  const until = options.until ?? ((events: LunaEvent[]) => events.some(isEnd));
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 15_000);
    while (!until(turn())) {
      if (stream.error || stream.completed) throw new Error(`the subscription ended: ${JSON.stringify(stream.error ?? stream.events)}`);
      const errors = stream.events.find((event) => event.errors?.length);
      if (errors) throw new Error(`the subscription failed: ${JSON.stringify(errors.errors)}`);
      if (Date.now() > deadline) throw new Error(`the turn did not end; got ${JSON.stringify(turn().map((event) => event.__typename))}`);
      await stream.waitFor(stream.events.length + 1, Math.max(1, deadline - Date.now())).catch(() => undefined);
    }
    return { events: turn(), stream };
  } catch (error) {
    stream.dispose();
    throw error;
  }
}

export const textOf = (events: LunaEvent[]) => events.filter((event) => event.__typename === 'LunaTextDelta').map((event) => event.text).join('');
export const typesOf = (events: LunaEvent[]) => events.map((event) => event.__typename);

export async function send(headers: Record<string, string>, variables: { m: string; c?: string | null; p?: string | null }, url?: string) {
  return gql(SEND, variables, { headers, url });
}

/** The stored reply once it is no longer PENDING. */
export async function storedReply(headers: Record<string, string>, conversationId: string, replyId: string, url?: string) {
  let reply: any;
  let response: GraphQLResponse | undefined;
  await eventually(
    async () => {
      response = await gql(CONVERSATION, { id: conversationId }, { headers, url });
      reply = response.data?.conversation?.messages.edges.map((edge: any) => edge.node).find((node: any) => node.id === replyId);
      return reply !== undefined && reply.status !== 'PENDING';
    },
    15_000,
    'the reply to be stored',
  );
  return { reply, conversation: response!.data!.conversation };
}
