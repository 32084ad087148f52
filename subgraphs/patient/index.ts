import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { createPatientLoaders, type PatientLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { startPatientServices, type PatientServices } from './services';

export const patientSubgraph: SubgraphModule<PatientLoaders, PatientServices> = {
  name: 'patient',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createPatientLoaders,
  // Care alerts, the audit trail's signed digests and FHIR Bulk Data exports (services.ts).
  startServices: startPatientServices,
};
