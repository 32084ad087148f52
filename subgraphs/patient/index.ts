import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { startCareAlerts } from './care-alerts/background';
import { startFhirExports } from './fhir-export/background';
import { createPatientLoaders, type PatientLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';

export const patientSubgraph: SubgraphModule<PatientLoaders> = {
  name: 'patient',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createPatientLoaders,
  // Care alerts: storing raised ones, escalating, notifying (care-alerts/workflow.ts);
  // FHIR Bulk Data exports: running them, deleting expired ones (fhir-export/background.ts).
  async startBackground(runtime) {
    const stopAlerts = await startCareAlerts(runtime);
    try {
      const stopExports = await startFhirExports(runtime);
      return async () => {
        await stopExports();
        await stopAlerts();
      };
    } catch (error) {
      await stopAlerts();
      throw error;
    }
  },
};
