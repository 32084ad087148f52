import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { startCareAlerts } from './care-alerts/background';
import { createPatientLoaders, type PatientLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const patientSubgraph: SubgraphModule<PatientLoaders> = {
  name: 'patient',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createPatientLoaders,
  // Care alerts: storing raised ones, escalating, notifying (care-alerts/workflow.ts).
  startBackground: startCareAlerts,
};
