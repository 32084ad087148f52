import type { SubgraphModule } from '../../shared/server/subgraph';
import { loadTypeDefs } from '../../shared/server/subgraph';
import { startCareAlerts } from './care-alerts/background';
import { startFhirExports } from './fhir-export/background';
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
  // Care alerts (storing raised ones, escalating, notifying), the audit trail's signed digests,
  // and FHIR Bulk Data exports (running them, deleting expired ones: fhir-export/background.ts).
  async startBackground(runtime) {
    const stops: (() => Promise<void>)[] = [];
    // Stopped in the reverse order of their start.
    const stopAll = async () => {
      for (const stop of stops.reverse()) await stop();
    };
    try {
      for (const start of [startCareAlerts, startAuditDigests, startFhirExports]) stops.push(await start(runtime));
    } catch (error) {
      await stopAll();
      throw error;
    }
    return stopAll;
  },
};
