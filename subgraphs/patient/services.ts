// The patient subgraph's services, started once per process before it listens: care alerts
// (storing raised ones, escalating, notifying), the audit trail's signed digests, and FHIR Bulk
// Data exports (running them, deleting expired ones). Its resolvers read the queue of the
// first and the export service from ctx.services.
import type { JobQueue } from '../../shared/queue/jobs';
import type { StartedServices, SubgraphDeps } from '../../shared/server/subgraph';
import { startAuditDigests } from './audit-digests';
import { startCareAlerts } from './care-alerts/background';
import { startFhirExports, type ExportService } from './fhir-export/background';

export interface PatientServices {
  careAlerts: { queue: JobQueue };
  exports: ExportService;
}

export async function startPatientServices(deps: SubgraphDeps): Promise<StartedServices<PatientServices>> {
  const stops: (() => Promise<void>)[] = [];
  // Stopped in the reverse order of their start.
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    const careAlerts = await startCareAlerts(deps);
    stops.push(await startAuditDigests(deps));
    const exports = await startFhirExports(deps);
    stops.push(exports.stop);
    return { services: { careAlerts, exports: exports.services }, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
