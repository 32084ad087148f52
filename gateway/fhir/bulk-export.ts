// The patient's own FHIR Bulk Data export (Bulk Data Access IG, asynchronous request pattern):
//   GET    Patient/{id}/$export        kick-off (Prefer: respond-async) → 202 + Content-Location
//   GET    $export-status/{exportId}   202 + X-Progress/Retry-After while it runs; 200 + the JSON
//                                      manifest when done; a failed export → 500 OperationOutcome
//   DELETE $export-status/{exportId}   cancels it and deletes its files → 202
//   GET    $export-file/{fileId}       one NDJSON file (application/fhir+ndjson), requester only
// The gateway only formats: each step is one operation on the patient subgraph with the caller's
// token (clients/operations/fhir-export.graphql), which checks, audits, stores and queues; the
// job there reads the record through `$everything` as the requester (subgraphs/patient/fhir-export).
import type { Request, Response, Router } from 'express';
import { CancelFhirExportDocument, FhirExportFileDocument, FhirExportStatusDocument, StartFhirExportDocument, type FhirExportFieldsFragment } from '../../clients/sdk';
import { FHIR_TYPES } from '../../shared/rbac/scopes';
import { badRequest, FhirError, notFound, notSupported, operationOutcome } from './outcome';
import { isId, type FhirContext } from './resources/context';
import { dateWindow, EXPORT_PARAMS, readSearch } from './search-params';

/** How long a client should wait before polling a running export again. */
export const EXPORT_POLL_AFTER_SECONDS = 2;
/** The one output format: NDJSON (`ndjson` and `application/ndjson` are its abbreviations in the IG). */
const NDJSON_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
export const NDJSON_CONTENT_TYPE = 'application/fhir+ndjson';
const RESPOND_ASYNC = /(^|[\s,;])respond-async($|[\s,;])/i;

/** What the export routes use of the FHIR router (router.ts). */
export interface FhirHttp {
  context(req: Request, res: Response): Promise<FhirContext>;
  send(req: Request, res: Response, status: number, body: unknown): void;
  fail(req: Request, res: Response, error: unknown): void;
  base(req: Request): string;
}

type Handler = (req: Request, res: Response, ctx: FhirContext) => Promise<void>;

/** The kick-off's parameters: the Prefer header, _type, _since and _outputFormat; anything else is refused. */
function kickOffRequest(req: Request): { types: string[] | null; since: string | null } {
  const prefer = req.headers.prefer;
  if (typeof prefer !== 'string' || !RESPOND_ASYNC.test(prefer)) throw badRequest('$export is asynchronous: send the header "Prefer: respond-async"');
  const search = readSearch(req.query, EXPORT_PARAMS, 'Patient/$export');
  // A "+" left unencoded in the query string arrives as a space.
  const format = search.params.get('_outputFormat')?.[0]?.replace(' ', '+');
  if (format !== undefined && !NDJSON_FORMATS.has(format)) throw notSupported(`_outputFormat ${format} is not supported: exports are ${NDJSON_CONTENT_TYPE}`);
  const typeText = search.params.get('_type')?.[0];
  const types = typeText === undefined ? null : typeText.split(',');
  for (const type of types ?? []) if (!(FHIR_TYPES as string[]).includes(type)) throw badRequest(`_type: ${type} is not a resource type this server exports (${FHIR_TYPES.join(', ')})`);
  const since = dateWindow(search.params.get('_since')?.map((value) => `ge${value}`), '_since').from;
  if (since && since.getTime() > Date.now()) throw badRequest('_since must not be in the future');
  return { types, since: since?.toISOString() ?? null };
}

/** The Bulk Data manifest of a completed export. */
function manifest(base: string, exported: FhirExportFieldsFragment) {
  return {
    transactionTime: exported.startedAt,
    request: exported.request,
    requiresAccessToken: true,
    output: exported.files.map((file) => ({ type: file.type, url: `${base}/$export-file/${file.id}`, count: file.count })),
    error: [],
  };
}

/** X-Progress while it waits or runs (ASCII: it is a header). */
function progressOf(exported: FhirExportFieldsFragment): string {
  if (exported.status === 'RUNNING') return `running: ${exported.resourcesExported} resources written`;
  return exported.attempts ? `queued: run ${exported.attempts} failed, it will be tried again` : 'queued';
}

export function bulkExportRoutes(router: Router, http: FhirHttp): void {
  const route = (handler: Handler) => async (req: Request, res: Response) => {
    try {
      const ctx = await http.context(req, res);
      await handler(req, res, ctx);
    } catch (error) {
      http.fail(req, res, error);
    }
  };
  const idParam = (req: Request, what: string) => {
    const id = String(req.params.id);
    if (!isId(id)) throw notFound(`${what} ${id} was not found`);
    return id;
  };
  /** The export or file a status or file URL names (they take no parameters but _format and _pretty). */
  const named = (req: Request, what: 'Export' | 'File') => {
    readSearch(req.query, {}, `the ${what.toLowerCase()} URL`);
    return idParam(req, what);
  };
  const statusUrl = (req: Request, id: string) => `${http.base(req)}/$export-status/${id}`;

  router.get(
    '/Patient/:id/$export',
    route(async (req, res, ctx) => {
      const { types, since } = kickOffRequest(req);
      const patientId = idParam(req, 'Patient');
      const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
      const request = `${http.base(req)}/Patient/${patientId}/$export${query}`;
      const { startFhirExport } = await ctx.run(StartFhirExportDocument, { patientId, input: { types, since, request } });
      res.setHeader('Content-Location', statusUrl(req, startFhirExport.id));
      http.send(req, res, 202, operationOutcome('information', 'informational', `Export ${startFhirExport.id} accepted: poll ${statusUrl(req, startFhirExport.id)}`));
    }),
  );

  router.get(
    '/$export-status/:id',
    route(async (req, res, ctx) => {
      const { fhirExport } = await ctx.run(FhirExportStatusDocument, { id: named(req, 'Export') });
      if (!fhirExport) throw notFound(`Export ${req.params.id} was not found`);
      if (fhirExport.status === 'QUEUED' || fhirExport.status === 'RUNNING') {
        res.setHeader('X-Progress', progressOf(fhirExport));
        res.setHeader('Retry-After', String(EXPORT_POLL_AFTER_SECONDS));
        res.status(202).end();
        return;
      }
      if (fhirExport.status === 'FAILED') throw new FhirError(500, 'exception', `The export failed: ${fhirExport.error ?? 'no reason was recorded'}`);
      res.setHeader('Expires', new Date(fhirExport.expiresAt).toUTCString());
      res.status(200).type('application/json').send(JSON.stringify(manifest(http.base(req), fhirExport), null, req.query._pretty === 'true' ? 2 : undefined));
    }),
  );

  router.delete(
    '/$export-status/:id',
    route(async (req, res, ctx) => {
      const id = named(req, 'Export');
      await ctx.run(CancelFhirExportDocument, { id });
      http.send(req, res, 202, operationOutcome('information', 'informational', `Export ${id} was cancelled and its files deleted`));
    }),
  );

  router.get(
    '/$export-file/:id',
    route(async (req, res, ctx) => {
      const { fhirExportFile } = await ctx.run(FhirExportFileDocument, { id: named(req, 'File') });
      if (!fhirExportFile) throw notFound(`File ${req.params.id} was not found`);
      res.status(200).type(NDJSON_CONTENT_TYPE).send(fhirExportFile.ndjson);
    }),
  );
}
