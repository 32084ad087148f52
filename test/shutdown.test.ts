// SIGTERM to a started stack (`npm start`, all in one process) under load: every request in
// flight when the signal arrives completes successfully, client WebSockets close with 1001,
// and the process exits 0 within SHUTDOWN_GRACE_MS (plus the 2 s the termination contract allows).
import WebSocket from 'ws';
import { signDevToken } from '../shared/auth/dev-issuer';
import { startStack, type Stack } from './support/stack';

const GRACE_MS = 5_000;
/** Clients sending back to back, so requests are in flight whenever the signal comes. */
const CONCURRENCY = 12;
const QUERY = '{ patients(first: 10) { edges { node { id firstName labResults(first: 3) { totalCount } protocols { id } } } } }';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ portBase: Number(process.env.TEST_PORT_BASE ?? 4400) + 60, extraEnv: { SHUTDOWN_GRACE_MS: String(GRACE_MS) } });
}, 300_000);
afterAll(async () => {
  await stack?.cleanup();
});

interface Outcome {
  status: number | 'failed';
  errors: unknown;
  error?: string;
}

async function send(token: string): Promise<Outcome> {
  try {
    const response = await fetch(`${stack.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const body = (await response.json()) as { errors?: unknown };
    return { status: response.status, errors: body.errors };
  } catch (error) {
    return { status: 'failed', errors: undefined, error: String((error as Error).cause ?? error) };
  }
}

it('drains in-flight requests, closes sockets with 1001 and exits 0 within the grace period', async () => {
  const token = await signDevToken(stack.env.DATA_DIR!, { sub: 'user_test_admin', role: 'admin' });
  // A client socket with a subscription open: it must be told "going away", not cut.
  const socket = new WebSocket(`${stack.gatewayUrl.replace('http', 'ws')}/graphql`, 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise((resolve) => socket.on('open', resolve));
  socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));

  let signalled = false;
  const inFlightAtSignal: Promise<Outcome>[] = [];
  const pending = new Set<Promise<Outcome>>();
  let completedBefore = 0;
  const client = async () => {
    while (!signalled) {
      const request = send(token);
      pending.add(request);
      const outcome = await request;
      pending.delete(request);
      if (!signalled && outcome.status === 200 && !outcome.errors) completedBefore++;
    }
  };
  const clients = Array.from({ length: CONCURRENCY }, client);
  // Let the load settle: requests flowing and answered.
  while (completedBefore < 3 * CONCURRENCY) await new Promise((resolve) => setTimeout(resolve, 50));

  const exited = new Promise<number | null>((resolve) => stack.child.once('exit', (code) => resolve(code)));
  const signalledAt = Date.now();
  inFlightAtSignal.push(...pending);
  signalled = true;
  stack.child.kill('SIGTERM');
  const outcomes = await Promise.all(inFlightAtSignal);
  const code = await exited;
  const tookMs = Date.now() - signalledAt;
  await Promise.all(clients);

  expect(inFlightAtSignal.length).toBeGreaterThan(0);
  expect(outcomes.filter((outcome) => outcome.status !== 200 || outcome.errors)).toEqual([]);
  expect(code).toBe(0);
  expect(tookMs).toBeLessThan(GRACE_MS + 2_000);
  expect(await closed).toBe(1001);
}, 120_000);
