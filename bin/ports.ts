// The domain ports (shared/server/subgraph.ts, DomainPorts): what a subgraph reads of another
// domain in-process, each from the domain that owns the data. Process wiring: used by
// bin/launch.ts, and by tests that start a subgraph or its background work on their own.
import type { Prisma } from '../shared/db/database';
import type { DomainPorts } from '../shared/server/subgraph';
import { patientFactsSource } from '../subgraphs/patient/facts';

export function domainPorts(prisma: Prisma): DomainPorts {
  return { patientFacts: patientFactsSource(prisma) };
}
