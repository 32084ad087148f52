// POST /api/labs/upload — a lab report as multipart/form-data (`file`, `patientId`), for
// clients that send files rather than GraphQL. The route decides nothing itself: it streams
// the form (refusing an oversized or unaccepted file before reading all of it), then runs
// the `uploadLabReport` mutation on the graph with the caller's own Authorization header, so
// identity, RBAC, audit and validation are exactly those of the mutation. It answers
// `{ id }` or `{ error: { code, message } }`.
import busboy from 'busboy';
import express, { type Request, type Response, type Router } from 'express';
import { bearerToken, type TokenVerifier } from '../shared/auth/verify';
import { formatBytes, kindOf } from '../shared/uploads/lab-report';
import { hopHeaders } from './trust/request-identity';

export interface LabUploadOptions {
  /** The graph to forward to: the gateway's own /graphql. */
  graphqlUrl: string;
  /** The largest file accepted (the graph checks it again); default 10 MB, LAB_UPLOAD_MAX_BYTES. */
  maxBytes: number;
  /** Checks the bearer token before a byte of the body is read (the graph checks it again). */
  verifyToken: TokenVerifier;
}

/** Room for the form's boundaries, headers and the patientId field beside the file. */
const FORM_OVERHEAD_BYTES = 64 * 1024;

const UPLOAD = `mutation UploadLabReport($patientId: ID!, $file: LabReportFileInput!) {
  uploadLabReport(patientId: $patientId, file: $file) { id }
}`;

const STATUS: Record<string, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
};
const STATUS_BY_REASON: Record<string, number> = { FILE_TOO_LARGE: 413, UNSUPPORTED_TYPE: 415 };

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface Form {
  patientId: string | null;
  file: { filename: string; mimeType: string; bytes: Buffer } | null;
}

/** Reads the form, holding at most maxBytes of file; refuses as soon as the file is too large or of a type we do not take. */
function readForm(req: Request, maxBytes: number): Promise<Form> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fileSize: maxBytes, files: 1, fields: 5, fieldSize: 1024, parts: 8 } });
    } catch {
      reject(new Refusal(415, 'BAD_USER_INPUT', 'Send the report as multipart/form-data with the fields file and patientId'));
      return;
    }
    const form: Form = { patientId: null, file: null };
    let settled = false;
    const fail = (refusal: Refusal) => {
      if (settled) return;
      settled = true;
      req.unpipe(parser);
      req.resume();
      reject(refusal);
    };
    // A truncated or aborted body ends the form with a refusal; no stream error is left unhandled.
    const broken = () => fail(new Refusal(400, 'BAD_USER_INPUT', 'The multipart form ended before it was complete'));
    req.on('error', broken);
    req.on('aborted', broken);
    parser.on('field', (name, value) => {
      if (name === 'patientId') form.patientId = value.trim();
    });
    parser.on('file', (name, stream, info) => {
      if (name !== 'file') {
        stream.resume();
        return;
      }
      if (!kindOf(info.mimeType, info.filename ?? '')) {
        stream.resume();
        fail(new Refusal(415, 'BAD_USER_INPUT', `file: "${info.mimeType}" is not accepted: upload a PDF, a plain-text or a CSV file`));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('error', broken);
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => fail(new Refusal(413, 'BAD_USER_INPUT', `file: is larger than the limit of ${formatBytes(maxBytes)}`)));
      stream.on('end', () => {
        if (!settled) form.file = { filename: info.filename ?? 'report', mimeType: info.mimeType, bytes: Buffer.concat(chunks) };
      });
    });
    parser.on('filesLimit', () => fail(new Refusal(400, 'BAD_USER_INPUT', 'Send one file per upload')));
    parser.on('error', () => fail(new Refusal(400, 'BAD_USER_INPUT', 'The multipart form could not be read')));
    parser.on('close', () => {
      if (settled) return;
      settled = true;
      // A form whose file part never ended (busboy closes without its 'end') is incomplete.
      resolve(form);
    });
    req.pipe(parser);
  });
}

/** A valid bearer token, or a 401 refusal (the body stays unread). */
async function verified(verifyToken: TokenVerifier, header: string | undefined): Promise<void> {
  let token: string | null = null;
  try {
    token = bearerToken(header);
  } catch {
    // not "Bearer <token>"
  }
  if (!token) throw new Refusal(401, 'UNAUTHENTICATED', 'Sign in to upload a lab report');
  try {
    await verifyToken(token);
  } catch {
    throw new Refusal(401, 'UNAUTHENTICATED', 'The token is not valid: sign in again');
  }
}

function send(res: Response, status: number, body: object): void {
  res.status(status).json(body);
}

export function labUploadRouter(options: LabUploadOptions): Router {
  const { maxBytes } = options;
  const router = express.Router();
  router.post('/upload', async (req, res) => {
    try {
      // Refused before the body is read: nothing to upload as nobody, nothing announced too large.
      await verified(options.verifyToken, req.headers.authorization);
      if (!req.is('multipart/form-data')) throw new Refusal(415, 'BAD_USER_INPUT', 'Send the report as multipart/form-data with the fields file and patientId');
      const announced = Number(req.headers['content-length']);
      if (Number.isFinite(announced) && announced > maxBytes + FORM_OVERHEAD_BYTES) {
        throw new Refusal(413, 'BAD_USER_INPUT', `file: is larger than the limit of ${formatBytes(maxBytes)}`);
      }
      const form = await readForm(req, maxBytes);
      if (!form.file) throw new Refusal(400, 'BAD_USER_INPUT', 'file: is missing');
      if (!form.patientId) throw new Refusal(400, 'BAD_USER_INPUT', 'patientId: is missing');

      // This request's id, correlation id and client address travel along (signed) for the audit rows.
      const headers: Record<string, string> = { 'content-type': 'application/json', authorization: req.headers.authorization!, ...(await hopHeaders(req, res)) };
      const response = await fetch(options.graphqlUrl, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          query: UPLOAD,
          operationName: 'UploadLabReport',
          variables: {
            patientId: form.patientId,
            file: { filename: form.file.filename, mimeType: form.file.mimeType, contentBase64: form.file.bytes.toString('base64') },
          },
        }),
      });
      const body = (await response.json().catch(() => null)) as {
        data?: { uploadLabReport?: { id: string } | null } | null;
        errors?: { message: string; extensions?: { code?: string; reason?: string; retryAfter?: number } }[];
      } | null;
      const id = body?.data?.uploadLabReport?.id;
      if (id) return send(res, 200, { id });
      const error = body?.errors?.[0];
      const code = error?.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
      const status = STATUS_BY_REASON[error?.extensions?.reason ?? ''] ?? STATUS[code] ?? 502;
      if (error?.extensions?.retryAfter) res.setHeader('retry-after', String(error.extensions.retryAfter));
      return send(res, status, { error: { code, message: status === 502 ? 'The upload could not be processed' : (error?.message ?? 'Upload failed') } });
    } catch (error) {
      if (error instanceof Refusal) {
        // The body was not (all) read: close the connection rather than read the rest.
        if (error.status === 401 || error.status === 413 || error.status === 415) res.setHeader('connection', 'close');
        return send(res, error.status, { error: { code: error.code, message: error.message } });
      }
      if (res.headersSent || res.destroyed) return;
      return send(res, 502, { error: { code: 'INTERNAL_SERVER_ERROR', message: 'The upload could not be processed' } });
    }
  });
  return router;
}
