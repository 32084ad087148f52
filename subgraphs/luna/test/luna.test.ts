// The luna subgraph through the real gateway: a patient's conversations (order, paging,
// totalCount), one conversation with its messages oldest first, starting and archiving,
// and the contract's errors.
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, gql, type GraphQLResponse, clientWith, expectBadInput } from '../../../test/support/graphql';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;

// Patients this file writes to, one per test.
const STARTER = seededPatientId(178);
const ARCHIVER = seededPatientId(182);

let headers: Record<string, string>;
/** A seeded patient with at least three conversations (only read, never written). */
let READER: string;

const { ask, data } = clientWith(() => headers);

const CONVERSATIONS = `query($id: ID!, $first: Int, $after: String) {
  patient(id: $id) {
    conversations(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id title status lastMessageAt createdAt patient { id } } }
    }
  }
}`;

const CONVERSATION = `query($id: ID!, $first: Int, $after: String) {
  conversation(id: $id) {
    id title status lastMessageAt createdAt
    patient { id firstName }
    messages(first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id role content status createdAt toolCalls { name arguments } guardrails { check action } } }
    }
  }
}`;

const START = 'mutation($id: ID!, $title: String) { startConversation(patientId: $id, title: $title) { id title status lastMessageAt createdAt patient { id } messages { totalCount edges { cursor } pageInfo { hasNextPage endCursor } } } }';
const ARCHIVE = 'mutation($id: ID!) { archiveConversation(id: $id) { id title status messages { totalCount } } }';

beforeAll(async () => {
  headers = await authHeaders('admin');
  const indexes = Array.from({ length: 20 }, (_, i) => 100 + i);
  const found: any[] = Object.values(
    await data(`{ ${indexes.map((i) => `p${i}: patient(id: "${seededPatientId(i)}") { id conversations { totalCount } }`).join(' ')} }`),
  );
  const reader = found.find((p) => p.conversations.totalCount >= 3);
  expect(reader).toBeDefined();
  READER = reader.id;
});

describe('luna: a patient’s conversations', () => {
  it('lists them most recently active first, with a totalCount, paging with first/after to the same list', async () => {
    const all = (await data(CONVERSATIONS, { id: READER, first: 20 })).patient.conversations;
    expect(all.totalCount).toBeGreaterThanOrEqual(3);
    expect(all.edges).toHaveLength(all.totalCount);
    expect(all.pageInfo.hasNextPage).toBe(false);
    const times = all.edges.map((edge: any) => Date.parse(edge.node.lastMessageAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(all.edges.every((edge: any) => edge.node.patient.id === READER)).toBe(true);

    const walked: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const page: any = (await data(CONVERSATIONS, { id: READER, first: 1, after })).patient.conversations;
      expect(page.totalCount).toBe(all.totalCount);
      expect(page.edges).toHaveLength(1);
      walked.push(page.edges[0].node.id);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 50);
    expect(walked).toEqual(all.edges.map((edge: any) => edge.node.id));
  });

  it('refuses bad page arguments with BAD_USER_INPUT', async () => {
    expectBadInput(await ask(CONVERSATIONS, { id: READER, first: 0 }), 'first');
    expectBadInput(await ask(CONVERSATIONS, { id: READER, first: 101 }), 'first');
    expectBadInput(await ask(CONVERSATIONS, { id: READER, after: 'bm90LWEtY3Vyc29y' }), 'after');
  });
});

describe('luna: one conversation', () => {
  it('returns its messages oldest first, paging with first/after, and its patient through the graph', async () => {
    const first = (await data(CONVERSATIONS, { id: READER, first: 1 })).patient.conversations.edges[0].node;
    const conversation = (await data(CONVERSATION, { id: first.id })).conversation;
    expect(conversation).toMatchObject({ id: first.id, title: first.title, status: first.status, patient: { id: READER } });
    expect(typeof conversation.patient.firstName).toBe('string');
    const messages = conversation.messages;
    expect(messages.totalCount).toBeGreaterThanOrEqual(2);
    expect(messages.edges).toHaveLength(messages.totalCount);
    expect(messages.pageInfo.hasNextPage).toBe(false);
    const times = messages.edges.map((edge: any) => Date.parse(edge.node.createdAt));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(messages.edges[0].node.role).toBe('USER');
    // The conversation is as recent as its last message.
    expect(Date.parse(conversation.lastMessageAt)).toBeGreaterThanOrEqual(times[times.length - 1]);

    const walked: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (await data(CONVERSATION, { id: first.id, first: 1, after })).conversation.messages;
      expect(page.totalCount).toBe(messages.totalCount);
      walked.push(...page.edges.map((edge: any) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after && walked.length <= messages.totalCount);
    expect(walked).toEqual(messages.edges.map((edge: any) => edge.node.id));
    const second = (await data(CONVERSATION, { id: first.id, first: 1, after: messages.edges[0].cursor })).conversation.messages;
    expect(second.edges[0].node.id).toBe(messages.edges[1].node.id);
    expectBadInput(await ask(CONVERSATION, { id: first.id, first: 101 }), 'first');
  });

  it('answers an unknown id with null and NOT_FOUND, and a malformed id with BAD_USER_INPUT', async () => {
    const unknown = await ask(CONVERSATION, { id: MISSING_ID });
    expect(unknown.status).toBe(200);
    expect(unknown.data).toEqual({ conversation: null });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expectBadInput(await ask(CONVERSATION, { id: 'not-an-id' }), 'id');
  });
});

describe('luna: starting and archiving', () => {
  it('starts an empty conversation that leads the patient’s list', async () => {
    const before = (await data(CONVERSATIONS, { id: STARTER, first: 20 })).patient.conversations.totalCount;
    const title = `  Sleep questions ${RUN}  `;
    const started = (await data(START, { id: STARTER, title })).startConversation;
    expect(started).toMatchObject({
      title: title.trim(),
      status: 'ACTIVE',
      patient: { id: STARTER },
      messages: { totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } },
    });
    expect(Math.abs(Date.parse(started.createdAt) - Date.now())).toBeLessThan(60_000);
    const after = (await data(CONVERSATIONS, { id: STARTER, first: 20 })).patient.conversations;
    expect(after.totalCount).toBe(before + 1);
    expect(after.edges[0].node).toMatchObject({ id: started.id, title: title.trim(), status: 'ACTIVE' });
    expect((await data(CONVERSATION, { id: started.id })).conversation).toMatchObject({ id: started.id, title: title.trim(), messages: { totalCount: 0 } });

    const untitled = (await data(START, { id: STARTER })).startConversation;
    expect(untitled.title).toBe('New conversation');
    expect(untitled.id).not.toBe(started.id);
  });

  it('refuses a blank or overlong title, a malformed patient id and an unknown patient, creating nothing', async () => {
    const before = (await data(CONVERSATIONS, { id: STARTER, first: 1 })).patient.conversations.totalCount;
    expectBadInput(await ask(START, { id: STARTER, title: '   ' }), 'title');
    expectBadInput(await ask(START, { id: STARTER, title: 'x'.repeat(201) }), 'title');
    expectBadInput(await ask(START, { id: 'nope', title: 'Hi' }), 'patientId');
    const unknown = await ask(START, { id: MISSING_ID, title: 'Hi' });
    expect(unknown.data).toBeNull();
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect((await data(CONVERSATIONS, { id: STARTER, first: 1 })).patient.conversations.totalCount).toBe(before);
  });

  it('archives a conversation, keeping its messages; archiving again is harmless', async () => {
    const list = (await data(CONVERSATIONS, { id: ARCHIVER, first: 20 })).patient.conversations;
    // A seeded conversation, so that it has messages to keep.
    const target = list.edges.find((edge: any) => edge.node.status === 'ACTIVE')?.node;
    expect(target).toBeDefined();
    const { messages } = (await data(CONVERSATION, { id: target.id })).conversation;
    expect(messages.totalCount).toBeGreaterThan(0);
    const archived = (await data(ARCHIVE, { id: target.id })).archiveConversation;
    expect(archived).toEqual({ id: target.id, title: target.title, status: 'ARCHIVED', messages: { totalCount: messages.totalCount } });
    const read = (await data(CONVERSATION, { id: target.id })).conversation;
    expect(read.status).toBe('ARCHIVED');
    expect(read.messages.edges.map((edge: any) => edge.node.id)).toEqual(messages.edges.map((edge: any) => edge.node.id));
    const listed = (await data(CONVERSATIONS, { id: ARCHIVER, first: 20 })).patient.conversations;
    expect(listed.totalCount).toBe(list.totalCount);
    expect(listed.edges.find((edge: any) => edge.node.id === target.id).node.status).toBe('ARCHIVED');
    expect((await data(ARCHIVE, { id: target.id })).archiveConversation.status).toBe('ARCHIVED');
  });

  it('answers archiving an unknown conversation with NOT_FOUND and a malformed id with BAD_USER_INPUT', async () => {
    const unknown = await ask(ARCHIVE, { id: MISSING_ID });
    expect(unknown.data).toBeNull();
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expectBadInput(await ask(ARCHIVE, { id: 'not-an-id' }), 'id');
  });
});
