// Patient/{id}/$everything: the patient and every resource of their record the caller may see,
// as one searchset Bundle (the whole record) or in pages with _count. _type narrows the types,
// _since keeps what changed at or after an instant.
import type { Resource } from '@medplum/fhirtypes';
import { FHIR_TYPES, scopesReachFhirType, type FhirType } from '../../shared/rbac/scopes';
import { badRequest } from './outcome';
import { listSource, type Source } from './paging';
import type { FhirContext, TypeHandler } from './resources/context';
import { readPatient } from './resources/patient';
import { dateWindow, type SearchRequest } from './search-params';

export async function everythingSources(ctx: FhirContext, handlers: Record<Exclude<FhirType, 'Patient'>, TypeHandler>, patientId: string, search: SearchRequest): Promise<Source[]> {
  const typeText = search.params.get('_type')?.[0];
  const types = typeText === undefined ? FHIR_TYPES : typeText.split(',');
  for (const type of types) if (!(FHIR_TYPES as string[]).includes(type)) throw badRequest(`_type: ${type} is not a resource type this server serves (${FHIR_TYPES.join(', ')})`);
  const since = dateWindow(search.params.get('_since')?.map((value) => `ge${value}`), '_since').from;
  // The patient's own record is checked first: a caller who may not see this patient learns nothing more.
  // A partner without Patient scopes gets the rest of the compartment only.
  const patient = scopesReachFhirType(ctx.scopes, 'Patient') ? await readPatient(ctx, patientId) : null;
  const sources: Source[] = [];
  if (patient && types.includes('Patient') && (!since || new Date(patient.meta!.lastUpdated!) >= since)) sources.push(listSource(async (): Promise<Resource[]> => [patient]));
  const compartment: SearchRequest = { params: new Map(since ? [['_lastUpdated', [`ge${since.toISOString()}`]]] : []), cursor: null, count: null };
  for (const type of FHIR_TYPES) {
    if (type === 'Patient' || !types.includes(type) || !scopesReachFhirType(ctx.scopes, type)) continue;
    const search = type === 'MedicationStatement' || type === 'Device' ? { ...compartment, params: new Map() } : compartment;
    const found = await handlers[type].sources(ctx, patientId, search);
    if (since && (type === 'MedicationStatement' || type === 'Device')) {
      sources.push(...found.map((source) => sinceFilter(source, since)));
    } else {
      sources.push(...found);
    }
  }
  return sources;
}

/** _since for the types the graph cannot filter by date (they come whole): kept here by meta.lastUpdated. */
function sinceFilter(source: Source, since: Date): Source {
  return listSource(async () => {
    const all: Resource[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await source.fetch(1000, after);
      all.push(...page.resources.filter((r) => new Date(r.meta?.lastUpdated ?? 0) >= since));
      if (!page.hasNextPage) return all;
      after = page.endCursor;
    }
  });
}
