import { allow } from 'graphql-shield';
import type { IRules } from 'graphql-shield';
import type { WearablesLoaders } from './loaders';
import { argument, ownerOf, FEDERATION_QUERY_FIELDS, FEDERATION_TYPES, guard, reachedThroughGuard, type PatientOf, type RbacContext } from '../../shared/rbac/rules';

/** Self-service mutations act for `patientId` when given, else for the caller's own record. */
const patientArgumentOrCaller: PatientOf = (parent, args, context: RbacContext) =>
  args?.patientId === undefined || args?.patientId === null ? context.caller.patientId : argument('patientId')(parent, args, context);

const ownerOfStat = ownerOf('id', (ctx: { loaders: WearablesLoaders }, id) => ctx.loaders.dailyStat.load(id));

export const permissions: IRules = {
  Query: {
    ...FEDERATION_QUERY_FIELDS,
    wearableDailyStats: guard('wearables', 'read', argument('patientId')),
    wearableDailyStat: guard('wearables', 'read', ownerOfStat),
    wearableConnections: guard('wearables', 'read', argument('patientId')),
  },
  Mutation: {
    recordWearableReadings: guard('wearables', 'create', argument('patientId')),
    startWearableConnection: guard('wearables', 'create', patientArgumentOrCaller),
    completeWearableConnection: guard('wearables', 'create', patientArgumentOrCaller),
    disconnectWearable: guard('wearables', 'delete', patientArgumentOrCaller),
    syncWearables: guard('wearables', 'update', patientArgumentOrCaller),
    submitCheckIn: guard('wearables', 'create', argument('patientId')),
  },
  Subscription: { wearableReadingAdded: guard('wearables', 'read', argument('patientId')) },
  ...FEDERATION_TYPES,
  Patient: { id: allow, '*': guard('wearables', 'read', (patient: { id: string }) => patient.id) },
  ...reachedThroughGuard(
    'WearableConnection', 'WearableReading', 'WearableReadingConnection', 'WearableReadingEdge', 'PageInfo', 'DailyStat', 'DailyStatConnection', 'DailyStatEdge',
    'GlucoseReading', 'CgmConnection', 'CheckIn', 'RecordReadingsResult', 'WearableAuthorization', 'WearableScore', 'WearableScoreComponent',
  ),
};
