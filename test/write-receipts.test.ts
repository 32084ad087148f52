// Write receipts (shared/audit/receipts.ts) on the run's kind of database: two attempts of one
// keyed request (the same token) write once, and the second gets the first's result back with its
// types (dates), whether it comes after the first committed (its answer lost) or races it; a
// write without a token, or with another token, writes again; the write is audited once.
import { randomUUID } from 'node:crypto';
import { auditedClient } from '../shared/audit/transactional';
import { decodeResult, encodeResult } from '../shared/audit/receipts';
import { migrateDatabase } from '../shared/db/prepare';
import type { Prisma } from '../shared/db/database';
import { AuditTrail, type AuditMeta } from '../shared/rbac/audit';
import { openScratchDatabase, type ScratchDatabase } from './support/database';

let db: ScratchDatabase;
beforeAll(async () => {
  db = await openScratchDatabase();
  await migrateDatabase(db);
}, 120_000);
afterAll(async () => {
  await db?.dispose();
});

/** One attempt of a request: its own audit trail (one decision pending) and client, under `token`. */
function attempt(token: string | null): Prisma {
  const trail = new AuditTrail();
  trail.record({ resource: 'content', action: 'create', patientId: null, allowed: true, reason: 'test' } as never);
  const meta: AuditMeta = { caller: { userId: 'user_receipts', role: 'admin', patientId: null }, service: 'content', operationName: 'Receipts', requestId: randomUUID(), correlationId: token, clientIp: null };
  return auditedClient({ prisma: db.prisma, trail, meta, receipt: token ? { token, service: 'content' } : null });
}

const createFaq = (client: Prisma, question: string) => client.faq.create({ data: { question, answer: 'a', category: 'receipts' } });
const countFaqs = (question: string) => db.prisma.faq.count({ where: { question } });
const auditRows = async (token: string) =>
  Number((await db.sql.query<{ n: string }>('SELECT count(*)::text AS n FROM patient_graph.rbac_logs WHERE correlation_id = $1', [token]))[0].n);

describe('write receipts', () => {
  it('keeps dates, bigints and bytes through the stored result', () => {
    const value = { at: new Date('2026-01-02T03:04:05.678Z'), seq: 12n, bytes: new Uint8Array([1, 2]), nested: [{ n: 1, s: 'x', none: null }] };
    expect(decodeResult(JSON.parse(JSON.stringify(encodeResult(value))))).toEqual(value);
  });

  it('a retry after the first attempt committed gets its result and writes nothing', async () => {
    const token = randomUUID();
    const question = `receipt-${token}`;
    const first = await createFaq(attempt(token), question);
    const retry = await createFaq(attempt(token), question);
    expect(retry).toEqual(first);
    expect(retry.createdAt).toBeInstanceOf(Date);
    expect(await countFaqs(question)).toBe(1);
    expect(await auditRows(token)).toBe(1);
  });

  it('two attempts racing write once and answer the same', async () => {
    const token = randomUUID();
    const question = `receipt-race-${token}`;
    const [a, b] = await Promise.all([createFaq(attempt(token), question), createFaq(attempt(token), question)]);
    expect(a).toEqual(b);
    expect(await countFaqs(question)).toBe(1);
  });

  it('replays each transaction of a request in order, batches and interactive ones alike', async () => {
    const token = randomUUID();
    const question = `receipt-many-${token}`;
    const run = async (client: Prisma) => {
      const [one] = await client.$transaction([createFaq(client, `${question}-1`)]);
      const two = await client.$transaction(async (tx) => createFaq(tx as Prisma, `${question}-2`));
      return [one.id, two.id];
    };
    expect(await run(attempt(token))).toEqual(await run(attempt(token)));
    expect(await countFaqs(`${question}-1`)).toBe(1);
    expect(await countFaqs(`${question}-2`)).toBe(1);
  });

  it('writes again without a token or under another one', async () => {
    const question = `receipt-none-${randomUUID()}`;
    await createFaq(attempt(null), question);
    await createFaq(attempt(null), question);
    await createFaq(attempt(randomUUID()), question);
    await createFaq(attempt(randomUUID()), question);
    expect(await countFaqs(question)).toBe(4);
  });
});
