// A partner's secret is stored only as its SHA-256 hash: the table never holds the secret.
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { prepareDatabase } from '../../../shared/db/prepare';
import { serviceLogger } from '../../../shared/logger';
import { AuditTrail } from '../../../shared/rbac/audit';
import { MemoryRateLimiter } from '../../../shared/limits/rate-limit';
import type { SubgraphContext } from '../../../shared/server/context';
import { openScratchDatabase } from '../../../test/support/database';
import { createPartnerCredential, issuePartnerToken } from '../partners';

describe('partner secrets at rest', () => {
  let db: Awaited<ReturnType<typeof openScratchDatabase>>;
  beforeAll(async () => {
    // The partner signing key is made in the data folder: a temporary one.
    process.env.DATA_DIR = mkdtempSync(path.join(os.tmpdir(), 'loop-partner-'));
    db = await openScratchDatabase();
    await prepareDatabase(db, { log: serviceLogger('test') });
  });
  afterAll(() => db.dispose());

  it('keeps only the hash, and the hash is what a token request is checked against', async () => {
    const ctx = {
      prisma: db.prisma,
      caller: { userId: 'user_admin', role: 'admin', patientId: null },
      audit: new AuditTrail(),
      limiter: new MemoryRateLimiter(),
      clientIp: '192.0.2.10',
    } as unknown as SubgraphContext;
    const { credential, clientSecret } = await createPartnerCredential(ctx, { name: 'Acme', role: 'STAFF', scopes: ['lab_results'] });
    const [row] = await db.sql.query<Record<string, unknown>>('SELECT * FROM patient_graph.partner_credentials WHERE id = $1', [credential.id]);
    expect(Object.values(row).map(String).some((value) => value.includes(clientSecret))).toBe(false);
    expect(row.secret_hash).toBe(createHash('sha256').update(clientSecret).digest('hex'));
    const issued = await issuePartnerToken(ctx, credential.clientId, clientSecret);
    expect(issued.accessToken.split('.')).toHaveLength(3);
    // One token per request: aliases in one operation cannot multiply guesses.
    await expect(issuePartnerToken(ctx, credential.clientId, clientSecret)).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const nextRequest = { ...ctx, audit: new AuditTrail() } as SubgraphContext;
    await expect(issuePartnerToken(nextRequest, credential.clientId, clientSecret.slice(0, -1))).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });
});
