// Patient: read by id; search by _id or name (staff, partners with user/ or system/ scopes),
// or, for a patient, their own record.
import type { Resource } from '@medplum/fhirtypes';
import { FhirMeDocument, FhirPatientDocument, FhirPatientsDocument } from '../../../clients/sdk';
import { toPatient } from '../mappers/patient';
import { FhirError, notFound } from '../outcome';
import { connectionSource, listSource, type Source } from '../paging';
import type { SearchRequest } from '../search-params';
import { isId, type FhirContext } from './context';

export async function readPatient(ctx: FhirContext, id: string): Promise<Resource> {
  if (!isId(id)) throw notFound(`Patient/${id} was not found`);
  const { patient } = await ctx.run(FhirPatientDocument, { id });
  if (!patient) throw notFound(`Patient/${id} was not found`);
  return toPatient(patient);
}

/** The sources of a Patient search (no patient compartment: this is the compartment). */
export async function patientSearchSources(ctx: FhirContext, search: SearchRequest): Promise<Source[]> {
  const id = search.params.get('_id')?.[0];
  if (id !== undefined) {
    return [
      listSource(async () => {
        try {
          return [await readPatient(ctx, id)];
        } catch (error) {
          if (error instanceof FhirError && error.status === 404) return [];
          throw error;
        }
      }),
    ];
  }
  const name = search.params.get('name')?.[0] ?? null;
  // A patient searches their own record; everyone else searches the list their role may read.
  const { me } = await ctx.run(FhirMeDocument, {});
  if (me) {
    const matches = !name || `${me.firstName} ${me.lastName} ${me.email}`.toLowerCase().includes(name.toLowerCase());
    return [listSource(async () => (matches ? [toPatient(me)] : []))];
  }
  return [connectionSource(async (first, after) => (await ctx.run(FhirPatientsDocument, { search: name, first, after })).patients!, toPatient)];
}
