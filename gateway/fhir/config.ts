// The FHIR API's settings, read from the environment in one place with named defaults.
// (They move to the central settings module once it lands.)

/** Resources per search page when the client sends no _count. */
export const DEFAULT_FHIR_PAGE_SIZE = 50;
/** Largest _count a client may ask for: the graph's own page limit (shared/graphql/pagination.ts). */
export const MAX_FHIR_PAGE_SIZE = 100;
/** Patient/{id}/$everything without _count: the whole record in one Bundle, up to this many resources (then a next link). */
export const DEFAULT_EVERYTHING_MAX_RESOURCES = 10_000;

export interface FhirConfig {
  /** FHIR_PAGE_SIZE: default resources per search page. */
  pageSize: number;
  /** FHIR_EVERYTHING_MAX_RESOURCES: most resources in one $everything Bundle without _count. */
  everythingMaxResources: number;
  /**
   * FHIR_BASE_URL: the API's public base (…/fhir/R4) for fullUrl and paging links, when the
   * gateway sits behind a proxy that changes the address; unset = the request's own host.
   */
  baseUrl: string | null;
}

function pageSizeSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > MAX_FHIR_PAGE_SIZE) throw new Error(`${name} must be a whole number from 1 to ${MAX_FHIR_PAGE_SIZE}, got "${raw}"`);
  return value;
}

function wholeNumber(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number from 1, got "${raw}"`);
  return value;
}

export function loadFhirConfig(env: NodeJS.ProcessEnv = process.env): FhirConfig {
  const baseUrl = env.FHIR_BASE_URL?.replace(/\/+$/, '') || null;
  if (baseUrl && !/^https?:\/\//.test(baseUrl)) throw new Error(`FHIR_BASE_URL must be an http(s) URL, got "${baseUrl}"`);
  return {
    pageSize: pageSizeSetting(env, 'FHIR_PAGE_SIZE', DEFAULT_FHIR_PAGE_SIZE),
    everythingMaxResources: wholeNumber(env, 'FHIR_EVERYTHING_MAX_RESOURCES', DEFAULT_EVERYTHING_MAX_RESOURCES),
    baseUrl,
  };
}
