// A subscription event's fetch names the same subscribers on every event: their rows, written by
// an earlier event's append, are not sent again, and an append with nothing new sends nothing.
// The database's own duplicate check stays the guarantee (test/audit-append.test.ts); this only
// spares the statement. The writer here records what would be sent.
import { randomUUID } from 'node:crypto';
import { AuditTrail, type AuditMeta } from '../shared/rbac/audit';
import { clientIdentity, type AuditWriter } from '../shared/audit/append';
import { auditedClient } from '../shared/audit/transactional';
import type { Prisma } from '../shared/db/database';
import { AUDIENCE_EXTENSION, audienceOf, type AudienceMember } from '../shared/trust/audience';

/** A writer that records each append's request ids (its fourth array), and fails when told to. */
function recordingWriter() {
  const appends: string[][] = [];
  let failNext = false;
  const writer = {
    $executeRaw: ({ values }: { values: unknown[] }) => {
      if (failNext) {
        failNext = false;
        return Promise.reject(new Error('connection lost'));
      }
      appends.push(values[3] as string[]);
      return Promise.resolve(1);
    },
  } as unknown as AuditWriter;
  return { writer, appends, failNext: () => (failNext = true) };
}

const member = (): AudienceMember => ({ requestId: randomUUID(), correlationId: null, clientIp: null, operationName: 'OnPatient' });
const meta = (audience: AudienceMember[] | null): AuditMeta => ({
  caller: { userId: 'user_admin', role: 'admin', patientId: null },
  service: 'patient',
  operationName: 'OnPatient',
  requestId: randomUUID(),
  correlationId: null,
  clientIp: null,
  audience,
});
const patientId = randomUUID();

/** One event's fetch: a fresh trail (each fetch gets its own context) with the same decision. */
async function event(writer: AuditWriter, audience: AudienceMember[] | null, allowed = true, request = meta(audience)) {
  const trail = new AuditTrail();
  trail.record({ resource: 'profile', action: 'read', patientId, allowed, reason: 'admin may read' });
  await trail.flush(writer, request);
}

describe('fan-out audit appends', () => {
  it('remember nothing of requests named once (gathered reads): their rows are sent each time, and leave no room taken', async () => {
    const { writer, appends } = recordingWriter();
    // As a subgraph reads them from the signed body: `once` only when it is true.
    const [a, b, c] = audienceOf({ [AUDIENCE_EXTENSION]: [{ ...member(), once: true }, { ...member(), once: true }, { ...member(), once: 'yes' }] })!;
    expect([a.once, b.once, c.once]).toEqual([true, true, undefined]);
    await event(writer, [a, b]);
    await event(writer, [a, b]);
    expect(appends).toEqual([
      [a.requestId, b.requestId],
      [a.requestId, b.requestId],
    ]);
  });

  it('send each subscriber\'s rows once, then nothing while the decisions stay the same', async () => {
    const { writer, appends } = recordingWriter();
    const [a, b] = [member(), member()];
    await event(writer, [a, b]);
    await event(writer, [a, b]);
    await event(writer, [b, a]);
    expect(appends).toEqual([[a.requestId, b.requestId]]);
  });

  it('send only the subscribers with a row not written yet: one who joined, or a decision that changed', async () => {
    const { writer, appends } = recordingWriter();
    const [a, b, c] = [member(), member(), member()];
    await event(writer, [a, b]);
    await event(writer, [a, b, c]);
    await event(writer, [a, b, c], false);
    expect(appends).toEqual([[a.requestId, b.requestId], [c.requestId], [a.requestId, b.requestId, c.requestId]]);
  });

  it('send the rows again after an append that failed', async () => {
    const { writer, appends, failNext } = recordingWriter();
    const a = member();
    failNext();
    await expect(event(writer, [a])).rejects.toThrow('connection lost');
    await event(writer, [a]);
    expect(appends).toEqual([[a.requestId]]);
  });

  it('leave a request\'s own rows (no audience) to the database\'s check every time', async () => {
    const { writer, appends } = recordingWriter();
    const request = meta(null);
    await event(writer, null, true, request);
    await event(writer, null, true, request);
    expect(appends).toEqual([[request.requestId], [request.requestId]]);
  });

  it('remember per database client: rows sent through one are sent again through another', async () => {
    const [first, second] = [recordingWriter(), recordingWriter()];
    const a = member();
    await event(first.writer, [a]);
    await event(second.writer, [a]);
    await event(second.writer, [a]);
    expect(first.appends).toEqual([[a.requestId]]);
    expect(second.appends).toEqual([[a.requestId]]);
  });

  it("share the memory of the client a request's audited client wraps", async () => {
    const { writer, appends } = recordingWriter();
    const a = member();
    const wrapped = () => auditedClient({ prisma: writer as unknown as Prisma, trail: new AuditTrail(), meta: meta([a]), receipt: null });
    expect(clientIdentity(wrapped())).toBe(clientIdentity(writer));
    expect(clientIdentity(wrapped())).not.toBe(writer);
    await event(wrapped(), [a]);
    await event(wrapped(), [a]);
    await event(writer, [a]);
    expect(appends).toEqual([[a.requestId]]);
  });
});
