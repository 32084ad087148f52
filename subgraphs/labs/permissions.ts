import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { isUuid } from '../../shared/graphql/errors';
import { argument, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard } from '../../shared/rbac/rules';
import type { LabsLoaders } from './loaders';

/** The patient a lab result belongs to (null when there is no such result: the resolver answers NOT_FOUND). */
async function ownerOfResult(_: unknown, args: { id: string }, ctx: { loaders: LabsLoaders }) {
  return isUuid(args.id) ? ((await ctx.loaders.labResult.load(args.id.toLowerCase()))?.profileId ?? null) : null;
}

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    labResult: guard('lab_results', 'read', ownerOfResult),
    // The biomarker catalog is reference data, not PHI.
    biomarkers: allow,
  },
  Mutation: {
    createLabResult: guard('lab_results', 'create', argument('patientId')),
    // A customer uploads their own report; staff and admin for anyone (ownOnly grants create).
    uploadLabReport: guard('lab_results', 'create', argument('patientId')),
    deleteLabResult: guard('lab_results', 'delete', ownerOfResult),
  },
  Subscription: { labResultAdded: guard('lab_results', 'read', argument('patientId')) },
  ...FEDERATION_TYPES,
  Patient: { id: allow, '*': guard('lab_results', 'read', (patient: { id: string }) => patient.id) },
  LabResult: { id: allow, '*': guard('lab_results', 'read', (result: { profileId: string }) => result.profileId) },
  Biomarker: allow,
  ReferenceRange: allow,
  ...reachedThroughGuard('LabResultConnection', 'LabResultEdge', 'PageInfo', 'BiomarkerReading', 'BiomarkerPoint', 'HealthScore', 'HealthScoreComponent'),
};
