// What a FHIR interaction works with: the graph (as the caller), the caller's scopes (partners),
// and the biomarker catalog's codes (reference data, cached per process).
import type { Resource } from '@medplum/fhirtypes';
import { FhirBiomarkerCodesDocument } from '../../../clients/sdk';
import type { Resource as MatrixResource } from '../../../shared/rbac/matrix';
import { scopesGrant } from '../../../shared/rbac/scopes';
import type { RunGraph } from '../graph';
import type { Source } from '../paging';
import type { SearchRequest } from '../search-params';

export interface FhirContext {
  run: RunGraph;
  /** A partner token's scopes; undefined for people (their role's row decides). */
  scopes: readonly string[] | undefined;
  /** Catalog code → its LOINC codes. */
  biomarkerLoinc(): Promise<Map<string, string[]>>;
}

/** Whether the caller's scopes let it read this part of a patient's record (the graph checks the role). */
export const inScope = (ctx: FhirContext, resource: MatrixResource, patientId: string) => !ctx.scopes || scopesGrant(ctx.scopes, resource, 'read', patientId);

/** One resource type's read and search, over the graph. */
export interface TypeHandler {
  read?(ctx: FhirContext, id: string): Promise<Resource>;
  /** The sources a search of one patient's resources draws from, in order. */
  sources(ctx: FhirContext, patientId: string, search: SearchRequest): Promise<Source[]>;
}

/** Biomarker catalog codes by LOINC, cached: reference data that changes with a deploy. */
export function catalogCache(ttlMs = 10 * 60_000) {
  let cached: { at: number; value: Promise<Map<string, string[]>> } | undefined;
  return (run: RunGraph) => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const value = run(FhirBiomarkerCodesDocument, {}).then(({ biomarkers }) => new Map(biomarkers.map((b) => [b.code, b.loinc])));
      value.catch(() => (cached = undefined));
      cached = { at: Date.now(), value };
    }
    return cached.value;
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids here are UUIDs: anything else names nothing (404, not a malformed request). */
export const isId = (id: string) => UUID.test(id);
