import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { argument, ownerOf, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard } from '../../shared/rbac/rules';
import type { LabsLoaders } from './loaders';

const ownerOfResult = ownerOf('id', (ctx: { loaders: LabsLoaders }, id) => ctx.loaders.labResult.load(id));
const ownerOfReading = ownerOf('id', (ctx: { loaders: LabsLoaders }, id) => ctx.loaders.reading.load(id));

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    labResult: guard('lab_results', 'read', ownerOfResult),
    // The biomarker catalog is reference data, not PHI.
    biomarkers: allow,
    labResults: guard('lab_results', 'read', argument('patientId')),
    biomarkerReadings: guard('lab_results', 'read', argument('patientId')),
    biomarkerReading: guard('lab_results', 'read', ownerOfReading),
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
  ...reachedThroughGuard(
    'LabResultConnection', 'LabResultEdge', 'BiomarkerReadingConnection', 'BiomarkerReadingEdge', 'PageInfo', 'BiomarkerReading', 'BiomarkerPoint', 'HealthScore', 'HealthScoreComponent',
  ),
};
