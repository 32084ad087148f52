import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { argument, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard, signedIn } from '../../shared/rbac/rules';

const ownRecord = (patient: { id: string }) => patient.id;

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    me: signedIn,
    patient: guard('profile', 'read', argument('id')),
    patients: guard('profile', 'read'),
    auditLog: guard('audit_log', 'read'),
    partnerCredentials: guard('partner_credentials', 'read'),
  },
  Mutation: {
    updatePatientProfile: guard('profile', 'update', argument('id')),
    recordPatientEvent: guard('events', 'create', argument('patientId')),
    createPartnerCredential: guard('partner_credentials', 'create'),
    revokePartnerCredential: guard('partner_credentials', 'delete'),
    // Authenticated by the client secret itself, and audited there (partners.ts).
    issuePartnerToken: allow,
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
  ),
};
