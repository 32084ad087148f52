// The FHIR API's settings (FHIR_PAGE_SIZE, FHIR_EVERYTHING_MAX_RESOURCES, FHIR_BASE_URL),
// declared with the rest in shared/config/settings.ts.
import type { Config } from '../../shared/config';

export { MAX_FHIR_PAGE_SIZE } from '../../shared/config';
export type FhirConfig = Config['fhir'];
