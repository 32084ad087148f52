// Uploads as an attacker sends them, through the gateway's POST /api/labs/upload and the
// uploadLabReport mutation: a forged token is refused before the body is read; truncated,
// aborted and malformed forms answer 4xx, store nothing and crash nothing; a flate bomb is
// refused ("could not read this PDF") while other requests keep being answered; uploads and
// Luna turns are limited per user.
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { authHeaders, seededPatientId } from './support/auth';
import { codes, gatewayUrl, gql } from './support/graphql';
import { TEST_RATE_LIMITS } from './support/stack';
import { flateBombPdf, reportPdf } from '../subgraphs/labs/test/support/reports';

// Patients 190-194 are this file's (lab-upload tests use 195-200).
const PATIENT = seededPatientId(190);
const BOUNDARY = 'hostile-boundary';
const uploadUrl = () => new URL(`${gatewayUrl()}/api/labs/upload`);

let admin: Record<string, string>;
beforeAll(async () => {
  admin = await authHeaders('admin');
});

async function labResultCount(patientId = PATIENT): Promise<number> {
  const response = await gql('query($id: ID!) { patient(id: $id) { labResults { totalCount } } }', { id: patientId }, { headers: admin });
  return response.data!.patient.labResults.totalCount;
}

async function stillServing(): Promise<void> {
  expect((await fetch(`${gatewayUrl()}/healthz`)).status).toBe(200);
  const answer = await gql('query($id: ID!) { patient(id: $id) { id } }', { id: PATIENT }, { headers: admin });
  expect(answer.data!.patient.id).toBe(PATIENT);
}

const formHead = (filename = 'report.pdf', type = 'application/pdf') =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="patientId"\r\n\r\n${PATIENT}\r\n` +
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`;

/** Opens an upload, writes `head`, then lets `act` decide how the body goes on. Resolves with the status (or null when the connection died first). */
function rawUpload(headers: Record<string, string>, act: (request: http.ClientRequest) => void): Promise<{ status: number | null; body: string }> {
  return new Promise((resolve) => {
    const request = http.request(uploadUrl(), { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers } }, (response) => {
      let body = '';
      response.on('data', (chunk) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
      response.on('error', () => resolve({ status: response.statusCode ?? null, body }));
    });
    request.on('error', () => resolve({ status: null, body: '' }));
    act(request);
  });
}

describe('lab uploads under attack', () => {
  it('refuses a forged token with 401 before reading the body', async () => {
    let sentAll = false;
    const answer = await rawUpload({ authorization: 'Bearer forged.token.value', 'transfer-encoding': 'chunked' }, (request) => {
      request.write(formHead());
      request.write(Buffer.alloc(64 * 1024, 'a'));
      // The rest of the body is never sent unless the server waits for it: it must answer first.
      setTimeout(() => {
        sentAll = true;
        request.end(`\r\n--${BOUNDARY}--\r\n`);
      }, 5_000);
    });
    expect(answer.status).toBe(401);
    expect(sentAll).toBe(false);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'UNAUTHENTICATED', message: expect.any(String) } });
    await stillServing();
  });

  it('answers 400 to a truncated form and 4xx-or-nothing to an aborted one, storing nothing and staying up', async () => {
    const before = await labResultCount();
    const pdf = Buffer.from(await reportPdf({ collected: '01/02/2025 07:00', rows: [{ name: 'Glucose', value: '5.0', unit: 'mmol/L', range: '3.9-5.5' }] }, 'lines'));
    // The closing boundary never comes: the form ends inside the file.
    const truncated = await rawUpload(admin, (request) => request.end(Buffer.concat([Buffer.from(formHead()), pdf.subarray(0, pdf.length / 2)])));
    expect(truncated.status).toBe(400);
    expect(JSON.parse(truncated.body).error.code).toBe('BAD_USER_INPUT');
    // The client announces more than it sends and goes away mid-file.
    const aborted = await rawUpload({ ...admin, 'content-length': String(pdf.length * 4) }, (request) => {
      request.write(Buffer.concat([Buffer.from(formHead()), pdf.subarray(0, 1024)]));
      setTimeout(() => request.destroy(), 200);
    });
    expect(aborted.status === null || (aborted.status >= 400 && aborted.status < 500)).toBe(true);
    // Garbage where the form's parts should be.
    const garbage = await rawUpload(admin, (request) => request.end('--not-the-boundary\r\n\x00\x01\x02'));
    expect(garbage.status).toBe(400);
    await stillServing();
    expect(await labResultCount()).toBe(before);
  });

  it('refuses a flate bomb as unreadable while other requests keep being answered', async () => {
    const before = await labResultCount();
    const bomb = await flateBombPdf(1024 * 1024 * 1024); // 1 GB inflated, ~1.5 MB sent
    const form = new FormData();
    form.append('patientId', PATIENT);
    form.append('file', new Blob([Buffer.from(bomb)], { type: 'application/pdf' }), 'bomb.pdf');
    const upload = fetch(uploadUrl(), { method: 'POST', body: form, headers: admin });
    const served: number[] = [];
    for (let i = 0; i < 5; i++) {
      const answer = await gql('{ peptides(first: 1) { totalCount } }');
      served.push(answer.data!.peptides.totalCount);
    }
    const response = await upload;
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('BAD_USER_INPUT');
    expect(body.error.message).toContain('could not read this PDF');
    expect(served.every((count) => count > 0)).toBe(true);
    await stillServing();
    expect(await labResultCount()).toBe(before);
  });
});

describe('per-user limits on costly actions', () => {
  const upload = 'mutation($p: ID!, $f: LabReportFileInput!) { uploadLabReport(patientId: $p, file: $f) { id } }';
  const notAReport = { filename: 'x.txt', mimeType: 'text/plain', contentBase64: Buffer.from('no results here').toString('base64') };

  it('limits lab uploads per user per minute, over GraphQL and REST alike', async () => {
    const staff = await authHeaders('staff', { sub: `user_upload_flood_${randomUUID()}` });
    const before = await labResultCount();
    for (let i = 0; i < TEST_RATE_LIMITS.LAB_UPLOADS_PER_MINUTE; i++) {
      const response = await gql(upload, { p: PATIENT, f: notAReport }, { headers: staff });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    }
    const over = await gql(upload, { p: PATIENT, f: notAReport }, { headers: staff });
    expect(codes(over)).toEqual(['RATE_LIMITED']);
    expect(over.errors![0].extensions!.retryAfter).toEqual(expect.any(Number));
    const form = new FormData();
    form.append('patientId', PATIENT);
    form.append('file', new Blob(['no results here'], { type: 'text/plain' }), 'x.txt');
    const rest = await fetch(uploadUrl(), { method: 'POST', body: form, headers: staff });
    expect(rest.status).toBe(429);
    expect(Number(rest.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await labResultCount()).toBe(before);
    // Another user is not affected.
    expect(codes(await gql(upload, { p: PATIENT, f: notAReport }, { headers: admin }))).toEqual(['BAD_USER_INPUT']);
  });

  it('limits Luna turns per user per minute, before the message is stored', async () => {
    const staff = await authHeaders('staff', { sub: `user_luna_flood_${randomUUID()}` });
    const send = 'mutation($c: ID) { sendLunaMessage(conversationId: $c, message: "hello") { reply { id } } }';
    const missing = '00000000-0000-4000-8000-00000000dead';
    for (let i = 0; i < TEST_RATE_LIMITS.LUNA_TURNS_PER_MINUTE; i++) {
      expect(codes(await gql(send, { c: missing }, { headers: staff }))).toEqual(['NOT_FOUND']);
    }
    const over = await gql(send, { c: missing }, { headers: staff });
    expect(codes(over)).toEqual(['RATE_LIMITED']);
  });
});
