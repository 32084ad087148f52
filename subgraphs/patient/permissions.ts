import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { argument, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, ownerOf, reachedThroughGuard, signedIn, type RbacContext } from '../../shared/rbac/rules';
import type { PatientLoaders } from './loaders';
import { mayStartExport, requesterOnly } from './fhir-export/permissions';

const ownRecord = (patient: { id: string }) => patient.id;
const alertOwner = ownerOf('id', (ctx: { loaders: PatientLoaders }, id) => ctx.loaders.careAlert.load(id));
type Loaded = RbacContext & { loaders: PatientLoaders };
const exportOf = (ctx: Loaded, id: string) => ctx.loaders.fhirExport.load(id);
const exportOfFile = async (ctx: Loaded, id: string) => (await ctx.loaders.fhirExportFile.load(id))?.export ?? null;

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    me: signedIn,
    patient: guard('profile', 'read', argument('id')),
    patients: guard('profile', 'read'),
    auditLog: guard('audit_log', 'read'),
    partnerCredentials: guard('partner_credentials', 'read'),
    careAlerts: guard('care_alerts', 'read'),
    careAlertDeliveries: guard('care_alert_deliveries', 'read'),
    fhirExport: requesterOnly('read', exportOf),
    fhirExportFile: requesterOnly('read', exportOfFile),
  },
  // Each event is one patient's alert: read permission on it, audited per patient.
  Subscription: { careAlertRaised: guard('care_alerts', 'read', (alert: { profileId: string }) => alert.profileId) },
  Mutation: {
    updatePatientProfile: guard('profile', 'update', argument('id')),
    recordPatientEvent: guard('events', 'create', argument('patientId')),
    createPartnerCredential: guard('partner_credentials', 'create'),
    revokePartnerCredential: guard('partner_credentials', 'delete'),
    // Authenticated by the client secret itself, and audited there (partners.ts).
    issuePartnerToken: allow,
    acknowledgeCareAlert: guard('care_alerts', 'update', alertOwner),
    resolveCareAlert: guard('care_alerts', 'update', alertOwner),
    retryCareAlertDelivery: guard('care_alert_deliveries', 'update'),
    startFhirExport: mayStartExport,
    cancelFhirExport: requesterOnly('delete', exportOf),
  },
  ...FEDERATION_TYPES,
  Patient: {
    id: allow,
    '*': guard('profile', 'read', ownRecord),
    events: guard('events', 'read', ownRecord),
  },
  ...reachedThroughGuard(
    'PatientConnection', 'PatientEdge', 'PageInfo', 'Membership', 'PatientEvent', 'PatientEventConnection', 'PatientEventEdge',
    'Treatment', 'Prescription', 'AuditLogConnection', 'AuditLogEdge', 'AuditLogEntry',
    'PartnerCredential', 'CreatedPartnerCredential', 'PartnerToken',
    'CareAlert', 'CareAlertSource', 'CareAlertConnection', 'CareAlertEdge', 'CareAlertDelivery', 'CareAlertDeliveryConnection', 'CareAlertDeliveryEdge',
    'CareTeamNotice', 'FhirExport', 'FhirExportFile', 'FhirExportDownload',
  ),
};
