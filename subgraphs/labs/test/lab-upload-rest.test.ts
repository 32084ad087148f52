// POST /api/labs/upload (gateway/lab-upload.ts), mounted on a small express app of the test's
// own that forwards to the test stack's gateway — as the gateway will mount it. Multipart in,
// JSON out, with the mutation's RBAC, audit and refusals mapped to HTTP statuses.
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { labUploadRouter } from '../../../gateway/lab-upload';
import { DEV_ISSUER, devJwks } from '../../../shared/auth/dev-issuer';
import { createTokenVerifier } from '../../../shared/auth/verify';
import { authHeaders, seededPatientId, testDataDir } from '../../../test/support/auth';
import { gatewayUrl, gql } from '../../../test/support/graphql';
import { reportPdf, scannedPdf } from './support/reports';

// Patients 195-200 are this file's (see lab-upload.test.ts).
const OWN_INDEX = 195;
const OWN = seededPatientId(OWN_INDEX);
const OTHER = seededPatientId(196);
const MAX_BYTES = 64 * 1024;

let server: http.Server;
let url: string;
let admin: Record<string, string>;

beforeAll(async () => {
  const app = express();
  const verifyToken = createTokenVerifier({ jwks: await devJwks(testDataDir()), issuer: DEV_ISSUER });
  app.use('/api/labs', labUploadRouter({ graphqlUrl: `${gatewayUrl()}/graphql`, maxBytes: MAX_BYTES, verifyToken }));
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/labs/upload`;
  admin = await authHeaders('admin');
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const REPORT = {
  collected: '02/03/2025 07:45',
  rows: [
    { name: 'Glucose', value: '6.1', unit: 'mmol/L', range: '3.9-5.5', flag: 'H' },
    { name: 'Testosterone, Total', value: '20.0', unit: 'nmol/L', range: '8.6-29.0' },
  ],
};

function form(file: { bytes: Uint8Array | string; type: string; name: string } | null, patientId: string | null): FormData {
  const body = new FormData();
  if (patientId) body.append('patientId', patientId);
  if (file) body.append('file', new Blob([typeof file.bytes === 'string' ? file.bytes : Buffer.from(file.bytes)], { type: file.type }), file.name);
  return body;
}

async function post(body: FormData | string, headers: Record<string, string> = {}) {
  const response = await fetch(url, { method: 'POST', body, headers });
  return { status: response.status, body: (await response.json()) as any };
}

const pdf = async (report = REPORT) => ({ bytes: await reportPdf(report, 'quest'), type: 'application/pdf', name: 'quest.pdf' });

describe('POST /api/labs/upload', () => {
  it('stores a report and answers its id; the same file again answers the same id', async () => {
    const file = await pdf();
    const first = await post(form(file, OWN), admin);
    expect(first).toEqual({ status: 200, body: { id: expect.any(String) } });
    const stored = await gql('query($id: ID!) { labResult(id: $id) { source fileName patient { id } readings { code value unit status } } }', { id: first.body.id }, { headers: admin });
    expect(stored.data!.labResult).toEqual({
      source: 'UPLOAD',
      fileName: 'quest.pdf',
      patient: { id: OWN },
      readings: [
        { code: 'GLUCOSE', value: 110, unit: 'mg/dL', status: 'HIGH' },
        { code: 'TESTOSTERONE_TOTAL', value: 576.8, unit: 'ng/dL', status: expect.any(String) },
      ],
    });
    expect((await post(form(file, OWN), admin)).body).toEqual({ id: first.body.id });
  });

  it("lets a customer upload their own report, and refuses (403, audited) another patient's", async () => {
    const customer = await authHeaders('customer', { patientIndex: OWN_INDEX });
    const own = await post(form(await pdf({ ...REPORT, collected: '02/04/2025 07:45' }), OWN), customer);
    expect(own.status).toBe(200);

    const requestId = `rest-upload-${randomUUID()}`;
    const other = await post(form(await pdf(), OTHER), { ...customer, 'x-request-id': requestId });
    expect(other).toEqual({ status: 403, body: { error: { code: 'FORBIDDEN', message: expect.stringMatching(/create on lab_results/) } } });
    const audit = await gql(
      'query($r: String!) { auditLog(filter: { correlationId: $r }) { edges { node { resource action decision patientId actorRole } } } }',
      { r: requestId },
      { headers: admin },
    );
    expect(audit.data!.auditLog.edges.map((e: any) => e.node)).toEqual([
      { resource: 'lab_results', action: 'create', decision: 'DENY', patientId: OTHER, actorRole: 'customer' },
    ]);
  });

  it('answers 401 without a token (before reading the body) and with a bad one', async () => {
    expect(await post(form(await pdf(), OWN))).toEqual({ status: 401, body: { error: { code: 'UNAUTHENTICATED', message: expect.any(String) } } });
    expect((await post(form(await pdf(), OWN), { authorization: 'Bearer not-a-token' })).status).toBe(401);
  });

  it('answers 415 for a type it does not take, and for a body that is not a form', async () => {
    const png = await post(form({ bytes: '\x89PNG', type: 'image/png', name: 'photo.png' }, OWN), admin);
    expect(png).toEqual({ status: 415, body: { error: { code: 'BAD_USER_INPUT', message: expect.stringContaining('"image/png" is not accepted') } } });
    const json = await post(JSON.stringify({ patientId: OWN }), { ...admin, 'content-type': 'application/json' });
    expect(json.status).toBe(415);
  });

  it('answers 413 for a file over the limit, announced or streamed', async () => {
    const big = { bytes: new Uint8Array(MAX_BYTES + 1).fill(65), type: 'text/plain', name: 'big.txt' };
    expect(await post(form(big, OWN), admin)).toEqual({ status: 413, body: { error: { code: 'BAD_USER_INPUT', message: 'file: is larger than the limit of 64 KB' } } });

    // Chunked, without a Content-Length: the limit holds while streaming.
    const boundary = 'x-boundary';
    const status = await new Promise<number>((resolve, reject) => {
      const request = http.request(url, { method: 'POST', headers: { ...admin, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } }, (response) => {
        response.resume();
        resolve(response.statusCode!);
      });
      request.on('error', reject);
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="patientId"\r\n\r\n${OWN}\r\n`);
      request.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\nContent-Type: text/plain\r\n\r\n`);
      request.write(Buffer.alloc(MAX_BYTES * 2, 'a'));
      request.end(`\r\n--${boundary}--\r\n`);
    });
    expect(status).toBe(413);
  });

  it('answers 400 with the reason for a missing field or a report that cannot be read', async () => {
    expect(await post(form(await pdf(), null), admin)).toEqual({ status: 400, body: { error: { code: 'BAD_USER_INPUT', message: 'patientId: is missing' } } });
    expect(await post(form(null, OWN), admin)).toEqual({ status: 400, body: { error: { code: 'BAD_USER_INPUT', message: 'file: is missing' } } });
    const scan = await post(form({ bytes: await scannedPdf(), type: 'application/pdf', name: 'scan.pdf' }, OWN), admin);
    expect(scan).toEqual({ status: 400, body: { error: { code: 'BAD_USER_INPUT', message: expect.stringContaining('no text layer') } } });
    expect((await post(form(await pdf(), 'not-an-id'), admin)).status).toBe(400);
  });
});

describe('the route on the gateway itself', () => {
  it('is mounted at /api/labs/upload on the gateway port, with the same RBAC', async () => {
    const file = await pdf({ ...REPORT, collected: '03/04/2025 08:10' });
    const customer = await authHeaders('customer', { patientIndex: 197 });
    const own = await fetch(`${gatewayUrl()}/api/labs/upload`, { method: 'POST', body: form(file, seededPatientId(197)), headers: customer });
    expect(own.status).toBe(200);
    const { id } = (await own.json()) as { id: string };
    const read = await gql('query($id: ID!) { labResult(id: $id) { patient { id } } }', { id }, { headers: admin });
    expect(read.data!.labResult.patient.id).toBe(seededPatientId(197));
    const other = await fetch(`${gatewayUrl()}/api/labs/upload`, { method: 'POST', body: form(file, seededPatientId(198)), headers: customer });
    expect(other.status).toBe(403);
  });
});
