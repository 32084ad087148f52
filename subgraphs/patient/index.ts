import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { startCareAlerts } from './care-alerts/background';
import { createPatientLoaders, type PatientLoaders } from './loaders';
import { permissions } from './permissions';
import { resolvers } from './resolvers';
import { startAuditDigests } from './audit-digests';

export const patientSubgraph: SubgraphModule<PatientLoaders> = {
  name: 'patient',
  typeDefs: loadTypeDefs(__dirname),
  resolvers,
  permissions,
  createLoaders: createPatientLoaders,
  // Care alerts (storing raised ones, escalating, notifying) and the audit trail's signed digests.
  async startBackground(runtime) {
    const stopCareAlerts = await startCareAlerts(runtime);
    try {
      const stopDigests = await startAuditDigests(runtime);
      return async () => {
        await stopDigests();
        await stopCareAlerts();
      };
    } catch (error) {
      await stopCareAlerts();
      throw error;
    }
  },
};
