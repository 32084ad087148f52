// The export's GraphQL face (the gateway's FHIR `$export` endpoints run these): start one,
// read its status and file list, download a file, cancel it. Checks are in permissions.ts;
// an expired export is gone here even before the purge job deletes it (loaders.ts).
import { GraphQLError } from 'graphql';
import type { FhirExport } from '../../../generated/prisma/client';
import { badUserInput, ErrorCode, notFound, parseId } from '../../../shared/graphql/errors';
import { FHIR_TYPES } from '../../../shared/rbac/scopes';
import type { SubgraphContext } from '../../../shared/server/context';
import type { PatientServices } from '../services';
import type { PatientLoaders } from '../loaders';
import { createExport, deleteExport, exportQueued } from './store';

type Ctx = SubgraphContext<PatientLoaders, PatientServices>;

/** The kick-off URL the manifest repeats: a URL, not a document. */
export const MAX_REQUEST_URL_CHARS = 2_000;

interface StartInput {
  types?: string[] | null;
  since?: Date | null;
  request: string;
}

function validateStart(input: StartInput): { types: string[]; since: Date | null; request: string } {
  const types = [...new Set(input.types ?? [])];
  const unknown = types.filter((type) => !(FHIR_TYPES as string[]).includes(type));
  if (unknown.length) throw badUserInput('input.types', `${unknown.join(', ')} ${unknown.length === 1 ? 'is not a type' : 'are not types'} this server exports (${FHIR_TYPES.join(', ')})`);
  const request = input.request.trim();
  if (!request || request.length > MAX_REQUEST_URL_CHARS) throw badUserInput('input.request', `must be the kick-off URL, 1 to ${MAX_REQUEST_URL_CHARS} characters`);
  if (input.since && input.since.getTime() > Date.now()) throw badUserInput('input.since', 'must not be in the future');
  return { types, since: input.since ?? null, request };
}

export const fhirExportQueries = {
  fhirExport: async (_: unknown, args: { id: string }, ctx: Ctx) => {
    const found = await ctx.loaders.fhirExport.load(parseId('id', args.id));
    if (!found) throw notFound('FhirExport', args.id);
    return found;
  },
  fhirExportFile: async (_: unknown, args: { id: string }, ctx: Ctx) => {
    const file = await ctx.loaders.fhirExportFile.load(parseId('id', args.id));
    // A file exists for download only once its export has COMPLETED (a run in progress rewrites them).
    if (!file || file.export.status !== 'COMPLETED') throw notFound('FhirExportFile', args.id);
    return { id: file.id, exportId: file.exportId, type: file.type, count: file.count, ndjson: file.ndjson };
  },
};

export const fhirExportMutations = {
  startFhirExport: async (_: unknown, args: { patientId: string; input: StartInput }, ctx: Ctx) => {
    const patientId = parseId('patientId', args.patientId);
    const input = validateStart(args.input);
    if (!(await ctx.loaders.profile.load(patientId))) throw notFound('Patient', args.patientId);
    const service = ctx.services.exports;
    if (!service.enabled) throw new GraphQLError('Exports are not enabled on this server', { extensions: { code: ErrorCode.FORBIDDEN } });
    const created = await createExport(ctx.prisma, service.queue, service.config, { patientId, requestedBy: ctx.caller.userId!, requestedRole: ctx.caller.role, ...input });
    exportQueued(service.queue);
    ctx.log.info({ exportId: created.id, patientId }, 'FHIR export started');
    return created;
  },
  cancelFhirExport: (_: unknown, args: { id: string }, ctx: Ctx) => deleteExport(ctx.prisma, ctx.services.exports.queue, parseId('id', args.id)),
};

export const fhirExportTypes = {
  FhirExport: {
    patientId: (record: FhirExport) => record.profileId,
    files: (record: FhirExport, _: unknown, ctx: Ctx) => (record.status === 'COMPLETED' ? ctx.loaders.fhirExportFiles.load(record.id) : []),
  },
};
