// Luna turns under load, end to end through one gateway: N conversations send messages at
// once, each followed on lunaResponse by a graphql-ws client. Reports, per turn: how long
// sendLunaMessage takes to answer, when the first event, the first text and the end arrive
// (from the moment the message was sent), events per turn, SQL statements per turn, and
// turns per second. Runs its own stack in-process on a fresh database.
//   npm run bench:luna                                   # offline model, 20 conversations × 5 turns
//   CONVERSATIONS=50 TURNS=3 npm run bench:luna
//   MODEL=scripted npm run bench:luna                    # Claude's path: the SDK against a local Messages API server (two tool calls per turn)
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signDevToken } from '../shared/auth/dev-issuer';
import { registry } from '../shared/metrics';
import { ALL_SERVICES, launch } from '../bin/launch';
import { seededUserId } from '../prisma/seed/identities';
import { reply, startAnthropicServer } from '../test/support/anthropic-server';
import { withBenchEnvironment, runBenchmark } from './environment';
import { GraphQLHttpClient } from '../shared/graphql/http-client';

const CONVERSATIONS = Number(process.env.CONVERSATIONS ?? 20);
const TURNS = Number(process.env.TURNS ?? 5);
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4960);
const MODEL = process.env.MODEL ?? 'offline';
const QUESTIONS = ['How are my labs?', 'How has my sleep been?', "What's in my protocol?", 'What is BPC-157?', 'Give me an overview of my health'];

interface TurnTiming {
  sendMs: number;
  firstEventMs: number;
  firstTextMs: number;
  endMs: number;
  events: number;
  ok: boolean;
}

async function sqlStatements(): Promise<number> {
  const line = (await registry.metrics()).split('\n').find((l) => l.startsWith('db_sql_statements_total '));
  return line ? Number(line.split(' ').pop()) : 0;
}

const percentile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((q / 100) * sorted.length))];
};
const summary = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95), p99: percentile(values, 99), max: Math.max(...values) });

/** One conversation: TURNS messages in a row, each followed to its end. */
async function converse(graphqlUrl: string, authorization: string, index: number): Promise<TurnTiming[]> {
  const client: Client = createClient({ url: graphqlUrl.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization } });
  const graph = new GraphQLHttpClient({ url: graphqlUrl, headers: { authorization } });
  const timings: TurnTiming[] = [];
  let conversationId: string | null = null;
  try {
    for (let turn = 0; turn < TURNS; turn++) {
      const started = performance.now();
      const { body }: { body: any } = await graph.post<any>({
        query: 'mutation($m: String!, $c: ID) { sendLunaMessage(message: $m, conversationId: $c) { conversation { id } reply { id } } }',
        variables: { m: QUESTIONS[(index + turn) % QUESTIONS.length], c: conversationId },
      });
      if (!body?.data) throw new Error(JSON.stringify(body?.errors));
      const sendMs = performance.now() - started;
      conversationId = body.data.sendLunaMessage.conversation.id;
      const turnId = body.data.sendLunaMessage.reply.id;
      const timing = await new Promise<TurnTiming>((resolve, reject) => {
        const seen: Partial<TurnTiming> & { events: number } = { sendMs, events: 0 };
        const stop = client.subscribe(
          { query: 'subscription($c: ID!) { lunaResponse(conversationId: $c) { __typename turnId } }', variables: { c: conversationId } },
          {
            next: (event: any) => {
              const e = event.data?.lunaResponse;
              if (!e || e.turnId !== turnId) return;
              const at = performance.now() - started;
              seen.events++;
              seen.firstEventMs ??= at;
              if (e.__typename === 'LunaTextDelta') seen.firstTextMs ??= at;
              if (e.__typename === 'LunaTurnDone' || e.__typename === 'LunaTurnError') {
                stop();
                resolve({ ...(seen as TurnTiming), firstTextMs: seen.firstTextMs ?? at, endMs: at, ok: e.__typename === 'LunaTurnDone' });
              }
            },
            error: reject,
            complete: () => {},
          },
        );
      });
      timings.push(timing);
    }
  } finally {
    await client.dispose();
  }
  return timings;
}

async function main() {
  process.env.LUNA_OFFLINE_CHUNK_DELAY_MS ??= '0';
  const model = MODEL === 'scripted' ? await startAnthropicServer() : null;
  if (model) {
    process.env.ANTHROPIC_API_KEY = 'bench';
    process.env.ANTHROPIC_BASE_URL = model.url;
    // Every turn: two tools, then (once their results are back) an answer.
    model.route('', (request) =>
      !JSON.stringify(request.body.messages.at(-1)).includes('tool_result')
        ? reply.tools([{ name: 'getLabResults', input: { count: 1 } }, { name: 'getWearableInsights', input: { days: 7 } }], 'Let me look at your data. ')
        : reply.text('Here is what your labs and your wearable show this week. Your clinician can help you read them.'),
    );
  }
  await withBenchEnvironment(PORT_BASE, async ({ config, dataDir, gatewayUrl }) => {
    const stack = await launch(config, ALL_SERVICES);
    try {
      const graphqlUrl = `${gatewayUrl}/graphql`;
      const tokens = await Promise.all(
        Array.from({ length: CONVERSATIONS }, async (_, i) => `Bearer ${await signDevToken(dataDir, { sub: seededUserId(i + 1), role: 'customer' })}`),
      );
      const sqlBefore = await sqlStatements();
      const started = performance.now();
      const timings = (await Promise.all(tokens.map((token, i) => converse(graphqlUrl, token, i)))).flat();
      const seconds = (performance.now() - started) / 1000;
      const sql = (await sqlStatements()) - sqlBefore;
      console.log(
        JSON.stringify(
          {
            model: MODEL === 'scripted' ? 'claude path (SDK against a local Messages API server)' : 'offline',
            conversations: CONVERSATIONS,
            turnsPerConversation: TURNS,
            turns: timings.length,
            failed: timings.filter((timing) => !timing.ok).length,
            turnsPerSecond: Math.round((timings.length / seconds) * 10) / 10,
            sendLunaMessageMs: summary(timings.map((timing) => Math.round(timing.sendMs))),
            firstEventMs: summary(timings.map((timing) => Math.round(timing.firstEventMs))),
            firstTextMs: summary(timings.map((timing) => Math.round(timing.firstTextMs))),
            turnDoneMs: summary(timings.map((timing) => Math.round(timing.endMs))),
            eventsPerTurn: Math.round(timings.reduce((sum, timing) => sum + timing.events, 0) / timings.length),
            sqlStatementsPerTurn: Math.round(sql / timings.length),
            note: 'times from the moment the message was sent; one process holds the gateway, the subgraphs and the bench clients',
          },
          null,
          2,
        ),
      );
    } finally {
      await stack.stop();
      await model?.close();
    }
  });
}

runBenchmark(main);
