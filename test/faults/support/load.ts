// The steady mixed load the faults run under, and its ledger: writers (patient timeline events on
// the patient subgraph, wearable readings on the wearables subgraph), each write with its own id
// as Idempotency-Key and x-request-id (kept as the audit rows' correlation id), retried by the
// client until acknowledged or out of budget; readers; and one subscriber of the readings, whose
// events are matched to the writes by the reading's id.
import { randomUUID } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export const RECORD_EVENT = `mutation FaultEvent($p: ID!, $title: String!) { recordPatientEvent(patientId: $p, input: { type: NOTE, title: $title }) { id } }`;
export const RECORD_READING = `mutation FaultReading($p: ID!, $r: String!, $at: DateTime!) {
  recordWearableReadings(patientId: $p, readings: [{ provider: OURA, metric: RESTING_HR, value: 60, unit: "bpm", recordedAt: $at, providerReadingId: $r }]) { inserted } }`;
export const READ = `query FaultRead($p: ID!) { patient(id: $p) { id firstName } faqs(first: 1) { edges { node { id } } } }`;
export const READINGS = `subscription FaultReadings($p: ID!) { wearableReadingAdded(patientId: $p) { providerReadingId } }`;

/** How long a client keeps retrying one write (with the same key) before it reports the write failed (at least until a fault is over: retryAtLeastUntil). */
export const WRITE_RETRY_BUDGET_MS = 30_000;
export const RETRY_PAUSE_MS = 250;

/** A client retrying a write keeps going at least until this time: through a fault and a little after it (runFault sets it). */
let retryFloor = 0;
export function retryAtLeastUntil(time: number): void {
  retryFloor = time;
}

export interface Write {
  id: string;
  kind: 'event' | 'reading';
  attempts: number;
  acknowledged: boolean;
  lastFailure?: string;
}

export interface Ledger {
  writes: Write[];
  requests: number;
  reads: { ok: number; failed: number };
}

export interface Target {
  gatewayUrl: string;
  authorization: string;
  patientId: string;
}

interface Answer {
  ok: boolean;
  failure?: string;
}

export async function post(target: Target, query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}, timeoutMs = 15_000): Promise<Answer> {
  try {
    const response = await fetch(`${target.gatewayUrl}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: target.authorization, ...headers },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
    if (response.ok && body.data && !body.errors?.length) return { ok: true };
    return { ok: false, failure: `${response.status} ${body.errors?.map((error) => error.extensions?.code).join(',') ?? ''}` };
  } catch (error) {
    return { ok: false, failure: (error as Error).name === 'TimeoutError' ? 'client timeout' : 'transport' };
  }
}

export function writeVariables(target: Target, write: Pick<Write, 'id' | 'kind'>): Record<string, unknown> {
  return write.kind === 'event' ? { p: target.patientId, title: `fault-${write.id}` } : { p: target.patientId, r: `fault-${write.id}`, at: new Date(Date.now() - 60_000).toISOString() };
}

/** One write, retried with the same key until acknowledged or out of budget. */
async function performWrite(target: Target, ledger: Ledger, kind: Write['kind']): Promise<void> {
  const write: Write = { id: randomUUID(), kind, attempts: 0, acknowledged: false };
  ledger.writes.push(write);
  const variables = writeVariables(target, write);
  const giveUpAt = Date.now() + WRITE_RETRY_BUDGET_MS;
  for (;;) {
    write.attempts++;
    ledger.requests++;
    const answer = await post(target, kind === 'event' ? RECORD_EVENT : RECORD_READING, variables, { 'idempotency-key': write.id, 'x-request-id': write.id });
    if (answer.ok) {
      write.acknowledged = true;
      return;
    }
    write.lastFailure = answer.failure;
    if (Date.now() > Math.max(giveUpAt, retryFloor)) return;
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
  }
}

export interface RunningLoad {
  ledger: Ledger;
  /** Stops starting new work and waits for every write to be acknowledged or given up. */
  stop(): Promise<Ledger>;
}

export function startLoad(target: Target, options: { writers: number; readers: number }): RunningLoad {
  const ledger: Ledger = { writes: [], requests: 0, reads: { ok: 0, failed: 0 } };
  let running = true;
  const writer = async (index: number) => {
    let turn = index;
    while (running) await performWrite(target, ledger, turn++ % 2 === 0 ? 'event' : 'reading');
  };
  const reader = async () => {
    while (running) {
      ledger.requests++;
      const answer = await post(target, READ, { p: target.patientId });
      ledger.reads[answer.ok ? 'ok' : 'failed']++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const workers = [...Array.from({ length: options.writers }, (_, i) => writer(i)), ...Array.from({ length: options.readers }, reader)];
  return {
    ledger,
    async stop() {
      running = false;
      await Promise.all(workers);
      return ledger;
    },
  };
}

/** A subscriber that stays: it reconnects and re-subscribes whenever its socket closes. */
export function startSubscriber(target: Target): { received: Set<string>; duplicates(): number; dispose(): Promise<void> } {
  const counts = new Map<string, number>();
  const client: Client = createClient({
    url: `${target.gatewayUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: target.authorization },
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(1_000, 100 * 2 ** retries))),
  });
  const subscribe = () =>
    client.subscribe(
      { query: READINGS, variables: { p: target.patientId } },
      {
        next: (value) => {
          const id = (value.data as { wearableReadingAdded?: { providerReadingId?: string } } | null)?.wearableReadingAdded?.providerReadingId;
          if (id) counts.set(id, (counts.get(id) ?? 0) + 1);
        },
        // An error ends the subscription (the upstream gave up): subscribe again, as a client would.
        error: () => setTimeout(() => (unsubscribe = subscribe()), 200),
        complete: () => {},
      },
    );
  let unsubscribe = subscribe();
  return {
    get received() {
      return new Set(counts.keys());
    },
    duplicates: () => [...counts.values()].filter((count) => count > 1).length,
    async dispose() {
      unsubscribe();
      await client.dispose();
    },
  };
}
