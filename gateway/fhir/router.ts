// The FHIR R4 API's HTTP face, mounted at /fhir/R4 on the gateway: read-only JSON
// (application/fhir+json). Every interaction but /metadata needs a bearer token; partner tokens
// are also held to their scopes' FHIR types. The work is done over the graph (graph.ts) with
// the caller's token; every failure is an OperationOutcome.
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { Resource } from '@medplum/fhirtypes';
import { FhirMeDocument } from '../../clients/sdk';
import { bearerToken, type TokenVerifier } from '../../shared/auth/verify';
import { PARTNER_ISSUER } from '../../shared/auth/partner-issuer';
import type { Logger } from '../../shared/logger';
import { FHIR_TYPES, scopesReachFhirType, type FhirType } from '../../shared/rbac/scopes';
import { capabilityStatement, READABLE } from './capability';
import type { FhirConfig } from './config';
import { bulkExportRoutes } from './bulk-export';
import { everythingSources } from './everything';
import { graphRunner } from './graph';
import { badRequest, FhirError, forbidden, notFound, notSupported, operationOutcome, unauthenticated } from './outcome';
import { pageAcross, searchset, type Source } from './paging';
import { catalogCache, isId, type FhirContext, type TypeHandler } from './resources/context';
import { devices } from './resources/device';
import { diagnosticReports } from './resources/diagnostic-report';
import { medicationStatements } from './resources/medication-statement';
import { observations } from './resources/observation';
import { patientSearchSources, readPatient } from './resources/patient';
import { EVERYTHING_PARAMS, readSearch, referenceId, SEARCH_PARAMS, type SearchRequest } from './search-params';
import { REQUEST_ID_HEADER } from '../../shared/trust/envelope';

export const FHIR_CONTENT_TYPE = 'application/fhir+json; charset=utf-8';
const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;
/** When this build's CapabilityStatement was last changed. */
const CAPABILITY_DATE = '2026-12-03';

export const HANDLERS: Record<Exclude<FhirType, 'Patient'>, TypeHandler> = {
  Observation: observations,
  DiagnosticReport: diagnosticReports,
  MedicationStatement: medicationStatements,
  Device: devices,
};

export interface FhirApiOptions {
  /** The gateway's own GraphQL endpoint: every read runs there with the caller's token. */
  graphqlUrl: string;
  verifyToken: TokenVerifier;
  config: FhirConfig;
  log: Logger;
}

export function fhirApi(options: FhirApiOptions): Router {
  const router = express.Router();
  const biomarkerLoinc = catalogCache();
  const base = (req: Request) => options.config.baseUrl ?? `${req.protocol}://${req.get('host')}${req.baseUrl}`;

  const send = (req: Request, res: Response, status: number, body: unknown) => {
    res.status(status).type(FHIR_CONTENT_TYPE).send(JSON.stringify(body, null, req.query._pretty === 'true' ? 2 : undefined));
  };
  const fail = (req: Request, res: Response, error: unknown) => {
    if (error instanceof FhirError) {
      if (error.retryAfter) res.setHeader('Retry-After', String(error.retryAfter));
      if (error.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
      return send(req, res, error.status, operationOutcome('error', error.code, error.message));
    }
    options.log.error({ err: error }, 'FHIR request failed');
    send(req, res, 500, operationOutcome('error', 'exception', 'The request could not be completed'));
  };

  /** Authenticates the request and returns what an interaction works with. */
  async function context(req: Request, res: Response): Promise<FhirContext> {
    const incoming = req.headers[REQUEST_ID_HEADER];
    const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    let token: string | null;
    try {
      token = bearerToken(req.headers.authorization);
    } catch {
      throw unauthenticated('The Authorization header must be "Bearer <token>"');
    }
    if (!token) throw unauthenticated('Send a bearer token (Authorization: Bearer <token>)');
    let claims: Record<string, unknown>;
    try {
      claims = (await options.verifyToken(token)) as Record<string, unknown>;
    } catch (error) {
      throw unauthenticated((error as Error).message);
    }
    const scopes = claims.iss === PARTNER_ISSUER && typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : [];
    const run = graphRunner(options.graphqlUrl, { authorization: `Bearer ${token}`, requestId, clientIp: req.ip ?? req.socket.remoteAddress ?? null });
    return { run, scopes: scopes.length ? scopes : undefined, biomarkerLoinc: () => biomarkerLoinc(run) };
  }

  const typeOf = (name: string): FhirType => {
    if (!(FHIR_TYPES as string[]).includes(name)) throw notFound(`${name} is not a resource type this server serves (${FHIR_TYPES.join(', ')}); see /metadata`);
    return name as FhirType;
  };
  const reachable = (ctx: FhirContext, type: FhirType) => {
    if (!scopesReachFhirType(ctx.scopes, type)) throw forbidden(`The token's scopes do not include ${type} (e.g. patient/${type}.rs)`);
  };

  async function respondWithPage(req: Request, res: Response, path: string, sources: Source[], search: SearchRequest, count: number) {
    const page = await pageAcross(sources, count, search.cursor);
    const query = new URLSearchParams();
    for (const [name, raw] of Object.entries(req.query)) for (const value of Array.isArray(raw) ? raw : [raw]) if (name !== '_cursor') query.append(name, String(value));
    const self = `${base(req)}/${path}${query.size ? `?${query}` : ''}`;
    if (page.next) query.set('_cursor', page.next);
    send(req, res, 200, searchset(base(req), self, page, page.next ? `${base(req)}/${path}?${query}` : null));
  }

  router.use((req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const accept = req.headers.accept;
    if (accept && !/(\*\/\*|application\/\*|application\/(fhir\+)?json|application\/fhir\+ndjson|application\/x-ndjson)/.test(accept)) {
      return send(req, res, 406, operationOutcome('error', 'not-supported', 'This server answers application/fhir+json only'));
    }
    next();
  });

  router.get('/metadata', (req, res) => send(req, res, 200, capabilityStatement(base(req), CAPABILITY_DATE)));
  // Patient/{id}/$export and its status and files (before /:type/:id, which would take $export-status/{id}).
  bulkExportRoutes(router, { context, send, fail, base });

  router.get('/:type', async (req, res) => {
    try {
      const type = typeOf(String(req.params.type));
      const ctx = await context(req, res);
      reachable(ctx, type);
      const search = readSearch(req.query, SEARCH_PARAMS[type], type);
      let sources: Source[];
      if (type === 'Patient') {
        sources = await patientSearchSources(ctx, search);
      } else {
        const named = search.params.get('patient')?.[0];
        const patientId = named !== undefined ? referenceId(named, 'Patient', 'patient') : (await ctx.run(FhirMeDocument, {})).me?.id;
        if (!patientId) throw badRequest(`${type} searches need patient=<id> (searches across patients are not supported)`);
        if (!isId(patientId)) throw badRequest(`patient: "${patientId}" is not a patient id`);
        sources = await HANDLERS[type].sources(ctx, patientId, search);
      }
      await respondWithPage(req, res, type, sources, search, search.count ?? options.config.pageSize);
    } catch (error) {
      fail(req, res, error);
    }
  });

  router.get('/:type/:id', async (req, res) => {
    try {
      const type = typeOf(String(req.params.type));
      const ctx = await context(req, res);
      reachable(ctx, type);
      readSearch(req.query, {}, `read of ${type}`);
      if (!READABLE.has(type)) throw notSupported(`read of ${type} is not supported: search ${type}?patient=<id> (see /metadata)`);
      const resource: Resource = type === 'Patient' ? await readPatient(ctx, String(req.params.id)) : await HANDLERS[type as Exclude<FhirType, 'Patient'>].read!(ctx, String(req.params.id));
      send(req, res, 200, resource);
    } catch (error) {
      fail(req, res, error);
    }
  });

  router.get('/:type/:id/:operation', async (req, res, next) => {
    if (req.params.type !== 'Patient' || req.params.operation !== '$everything') return next();
    try {
      const ctx = await context(req, res);
      const search = readSearch(req.query, EVERYTHING_PARAMS, 'Patient/$everything');
      const sources = await everythingSources(ctx, HANDLERS, String(req.params.id), search);
      await respondWithPage(req, res, `Patient/${req.params.id}/$everything`, sources, search, search.count ?? options.config.everythingMaxResources);
    } catch (error) {
      fail(req, res, error);
    }
  });

  router.all('/{*rest}', (req, res) => {
    const status = req.method === 'GET' ? 404 : 405;
    send(req, res, status, operationOutcome('error', status === 404 ? 'not-found' : 'not-supported', status === 404 ? `No FHIR interaction at ${req.path}` : 'This FHIR API is read-only (GET; DELETE only cancels an export)'));
  });
  return router;
}
