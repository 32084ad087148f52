import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import { argument, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard } from '../../shared/rbac/rules';

export const permissions: IRules = {
  Query: { ...FEDERATION_QUERY_FIELDS },
  Mutation: {
    recordWearableReadings: guard('wearables', 'create', argument('patientId')),
    disconnectWearable: guard('wearables', 'delete', argument('patientId')),
    submitCheckIn: guard('wearables', 'create', argument('patientId')),
  },
  Subscription: { wearableReadingAdded: guard('wearables', 'read', argument('patientId')) },
  ...FEDERATION_TYPES,
  Patient: { id: allow, '*': guard('wearables', 'read', (patient: { id: string }) => patient.id) },
  ...reachedThroughGuard(
    'WearableConnection', 'WearableReading', 'WearableReadingConnection', 'WearableReadingEdge', 'PageInfo', 'DailyStat',
    'GlucoseReading', 'CgmConnection', 'CheckIn', 'RecordReadingsResult',
  ),
};
