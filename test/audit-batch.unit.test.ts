// A gateway request's audit batch (shared/rbac/audit-batch.ts): the rows its in-process subgraph
// fetches hand over are written in one statement per database client, two fetches of one service
// for one request merge, and once written the batch takes nothing more (a late fetch writes its
// own). The writer here records each statement; test/audit-fail-closed.test.ts runs it on a database.
import { randomUUID } from 'node:crypto';
import type { AuditDecision, AuditRequest, AuditWriter } from '../shared/audit/append';
import { AuditBatch } from '../shared/rbac/audit-batch';
import { AuditTrail, type AuditMeta } from '../shared/rbac/audit';

/** Records each statement's text and values; rejects when told to. */
function recordingWriter(fail = false) {
  const statements: { sql: string; values: unknown[] }[] = [];
  const writer = {
    $executeRaw: (query: { sql: string; values: unknown[] }) => {
      statements.push({ sql: query.sql, values: query.values });
      return fail ? Promise.reject(new Error('audit store unavailable')) : Promise.resolve(1);
    },
  } as unknown as AuditWriter;
  return { writer, statements };
}

const CALL = /patient_graph\.rbac_logs_append\(/g;
const requestId = randomUUID();
const request = (service: string): AuditRequest => ({ actorId: 'user_admin', actorRole: 'admin', operationName: 'Dashboard', requestId, correlationId: null, clientIp: '127.0.0.1', service });
const decision = (resource: string, patientId: string): AuditDecision => ({ resource, action: 'read', patientId, decision: 'ALLOW', reason: 'admin' });
const patient = randomUUID();

describe('an audit batch', () => {
  it('writes every fetch it adopted in one statement, one append per service, merging two fetches of a service', async () => {
    const { writer, statements } = recordingWriter();
    const batch = new AuditBatch();
    expect(batch.adopt(writer, [request('patient')], [decision('profile', patient)])).toBe(true);
    expect(batch.adopt(writer, [request('labs')], [decision('lab_results', patient)])).toBe(true);
    // labs again in the same request (a second stage): one append, the repeated decision once.
    expect(batch.adopt(writer, [request('labs')], [decision('lab_results', patient), decision('lab_results', randomUUID())])).toBe(true);
    await batch.write();
    expect(statements).toHaveLength(1);
    expect(statements[0].sql.match(CALL)).toHaveLength(2);
    // Each append's values: 7 request arrays, then 5 decision arrays; services are the 7th.
    const services = [statements[0].values[6], statements[0].values[18]];
    expect(services).toEqual([['patient'], ['labs']]);
    expect(statements[0].values[12 + 7]).toEqual(['lab_results', 'lab_results']);
  });

  it("writes each row once for every request of a gathered read's audience, in the one statement", async () => {
    const { writer, statements } = recordingWriter();
    const batch = new AuditBatch();
    const audience = [randomUUID(), randomUUID(), randomUUID()].map((id) => ({ ...request('patient'), requestId: id }));
    expect(batch.adopt(writer, audience, [decision('profile', patient)])).toBe(true);
    await batch.write();
    expect(statements).toHaveLength(1);
    expect(statements[0].sql.match(CALL)).toHaveLength(1);
    // The request ids are the append's 4th array.
    expect(statements[0].values[3]).toEqual(audience.map((member) => member.requestId));
  });

  it('writes through each database client its rows came through, one statement each', async () => {
    const first = recordingWriter();
    const second = recordingWriter();
    const batch = new AuditBatch();
    batch.adopt(first.writer, [request('patient')], [decision('profile', patient)]);
    batch.adopt(second.writer, [request('labs')], [decision('lab_results', patient)]);
    await batch.write();
    expect([first.statements.length, second.statements.length]).toEqual([1, 1]);
  });

  it('sends nothing when nothing was adopted, and takes nothing once written', async () => {
    const { writer, statements } = recordingWriter();
    const batch = new AuditBatch();
    await batch.write();
    expect(statements).toHaveLength(0);
    expect(batch.adopt(writer, [request('patient')], [decision('profile', patient)])).toBe(false);
  });

  it('rejects when the statement fails, so the gateway withholds the response', async () => {
    const { writer } = recordingWriter(true);
    const batch = new AuditBatch();
    batch.adopt(writer, [request('patient')], [decision('profile', patient)]);
    await expect(batch.write()).rejects.toThrow('audit store unavailable');
  });
});

describe("a subgraph request's trail with a batch", () => {
  const meta = (audience: AuditMeta['audience'] = null): AuditMeta => ({ caller: { userId: 'user_admin', role: 'admin', patientId: null }, service: 'patient', operationName: 'Dashboard', requestId, correlationId: null, clientIp: null, audience });
  const trailWithOneDecision = () => {
    const trail = new AuditTrail();
    trail.record({ resource: 'profile', action: 'read', patientId: patient, allowed: true, reason: 'admin' });
    return trail;
  };

  it('hands its rows to the batch instead of writing them', async () => {
    const { writer, statements } = recordingWriter();
    const batch = new AuditBatch();
    await trailWithOneDecision().flush(writer, meta(), batch);
    expect(statements).toHaveLength(0);
    await batch.write();
    expect(statements).toHaveLength(1);
  });

  it('writes them itself once the batch was written (a fetch that outlived its gateway request)', async () => {
    const { writer, statements } = recordingWriter();
    const batch = new AuditBatch();
    await batch.write();
    await trailWithOneDecision().flush(writer, meta(), batch);
    expect(statements).toHaveLength(1);
  });

  it("hands a read made for an audience (gathered requests) to the batch: each request's rows in its one statement", async () => {
    const { writer, statements } = recordingWriter();
    const batch = new AuditBatch();
    const audience = [randomUUID(), randomUUID()].map((id) => ({ requestId: id, correlationId: null, clientIp: null, operationName: 'Dashboard' }));
    await trailWithOneDecision().flush(writer, meta(audience), batch);
    expect(statements).toHaveLength(0);
    await batch.write();
    expect(statements).toHaveLength(1);
    expect(statements[0].values[3]).toEqual(audience.map((member) => member.requestId));
  });
});
