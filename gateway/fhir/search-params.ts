// The search parameters the API understands, per resource type: one table drives both the
// parsing here and the CapabilityStatement (capability.ts), so what is advertised is exactly
// what is accepted. Anything else (an unknown parameter, a modifier, a repeated parameter, a
// date prefix we do not implement) is refused with a 400 OperationOutcome naming it.
import type { FhirType } from '../../shared/rbac/scopes';
import { MAX_FHIR_PAGE_SIZE } from './config';
import { badRequest, notSupported } from './outcome';

export type ParamType = 'reference' | 'token' | 'date' | 'string' | 'number';

export interface ParamDefinition {
  type: ParamType;
  documentation: string;
}

const PATIENT_PARAM: ParamDefinition = { type: 'reference', documentation: 'The patient (id, Patient/id or its full URL). Required, except for a patient searching their own record.' };
const COUNT: ParamDefinition = { type: 'number', documentation: `Resources per page, 1 to ${MAX_FHIR_PAGE_SIZE}.` };
const LAST_UPDATED: ParamDefinition = { type: 'date', documentation: 'When the resource last changed; prefixes eq, ge, gt, le, lt, sa, eb; may repeat (all must hold).' };

export const SEARCH_PARAMS: Record<FhirType, Record<string, ParamDefinition>> = {
  Patient: {
    _id: { type: 'token', documentation: 'One patient id.' },
    name: { type: 'string', documentation: 'Part of the given or family name (or email); staff and partners with user/ or system/ scopes.' },
    _count: COUNT,
  },
  Observation: {
    patient: PATIENT_PARAM,
    category: { type: 'token', documentation: 'laboratory (lab results), vital-signs (every wearable daily stat) or activity (steps, sleep, strain, recovery and readiness days); comma = any of.' },
    code: { type: 'token', documentation: 'http://loinc.org|<code>, our biomarker or wearable-metric system|<code>, or a bare code; comma = any of.' },
    date: { type: 'date', documentation: 'When the sample was collected or the day measured; prefixes eq, ge, gt, le, lt, sa, eb; may repeat.' },
    _lastUpdated: LAST_UPDATED,
    _count: COUNT,
  },
  DiagnosticReport: {
    patient: PATIENT_PARAM,
    category: { type: 'token', documentation: 'LAB (every report here is a laboratory report).' },
    code: { type: 'token', documentation: 'http://loinc.org|11502-2 (laboratory report).' },
    date: { type: 'date', documentation: 'When the samples were collected; prefixes as for Observation.' },
    _lastUpdated: LAST_UPDATED,
    _count: COUNT,
  },
  MedicationStatement: {
    patient: PATIENT_PARAM,
    status: { type: 'token', documentation: 'active, on-hold, completed or intended (the protocol status); comma = any of.' },
    _count: COUNT,
  },
  Device: {
    patient: PATIENT_PARAM,
    _count: COUNT,
  },
};

/** Accepted on every request and not search criteria: the paging cursor, the format, pretty printing. */
export const RESULT_PARAMS = new Set(['_cursor', '_format', '_pretty']);
/** Parameters of Patient/{id}/$everything. */
export const EVERYTHING_PARAMS: Record<string, ParamDefinition> = {
  _since: { type: 'date', documentation: 'Only resources changed at or after this instant.' },
  _type: { type: 'token', documentation: 'Comma list of resource types to include.' },
  _count: { type: 'number', documentation: `Resources per page, 1 to ${MAX_FHIR_PAGE_SIZE}; without it the whole record comes in one Bundle.` },
};
/** Parameters of Patient/{id}/$export (Bulk Data kick-off). */
export const EXPORT_PARAMS: Record<string, ParamDefinition> = {
  _type: { type: 'token', documentation: 'Comma list of resource types to export; without it, every type.' },
  _since: { type: 'date', documentation: 'Only resources changed at or after this instant.' },
  _outputFormat: { type: 'string', documentation: 'application/fhir+ndjson (also application/ndjson, ndjson): the only format.' },
};
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

export interface Token {
  system: string | null;
  code: string;
}

export interface Window {
  from: Date | null;
  to: Date | null;
}

export interface SearchRequest {
  params: Map<string, string[]>;
  cursor: string | null;
  count: number | null;
}

type Query = Record<string, unknown>;

/** The query string as parameter → values, refusing what no definition covers. */
export function readSearch(query: Query, definitions: Record<string, ParamDefinition>, what: string): SearchRequest {
  const params = new Map<string, string[]>();
  for (const [rawName, raw] of Object.entries(query)) {
    const values = (Array.isArray(raw) ? raw : [raw]).map(String);
    if (RESULT_PARAMS.has(rawName)) {
      if (values.length > 1) throw badRequest(`${rawName} may be given once`);
      if (rawName === '_format' && !JSON_FORMATS.has(values[0])) throw notSupported(`_format ${values[0]} is not supported: this server speaks application/fhir+json`);
      continue;
    }
    const [name, modifier] = rawName.split(':');
    const definition = definitions[name];
    if (!definition) {
      const known = Object.keys(definitions).join(', ');
      throw badRequest(`Unknown search parameter "${rawName}" for ${what}: supported are ${known} (see /metadata)`);
    }
    if (modifier !== undefined) throw notSupported(`Search modifiers are not supported ("${rawName}")`);
    if (values.length > 1 && definition.type !== 'date') throw badRequest(`${name} may be given once (use a comma for "any of")`);
    if (values.some((value) => value === '')) throw badRequest(`${name} has no value`);
    params.set(name, values);
  }
  const cursor = typeof query._cursor === 'string' ? query._cursor : null;
  const countText = params.get('_count')?.[0];
  let count: number | null = null;
  if (countText !== undefined) {
    count = Number(countText);
    if (!/^\d+$/.test(countText) || count < 1 || count > MAX_FHIR_PAGE_SIZE) throw badRequest(`_count must be a whole number from 1 to ${MAX_FHIR_PAGE_SIZE}, got "${countText}"`);
  }
  return { params, cursor, count };
}

/** `Patient/<id>`, a full URL ending in it, or a bare id. */
export function referenceId(value: string, type: string, name: string): string {
  if (value.includes(',')) throw badRequest(`${name} takes one ${type}`);
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9.-]{1,64})$`).exec(value) ?? /^([A-Za-z0-9.-]{1,64})$/.exec(value);
  if (!match) throw badRequest(`${name} must be a ${type} id, ${type}/<id> or its URL, got "${value}"`);
  return match[1];
}

export function tokens(value: string): Token[] {
  return value.split(',').map((part) => {
    const bar = part.indexOf('|');
    if (bar < 0) return { system: null, code: part };
    return { system: part.slice(0, bar) || null, code: part.slice(bar + 1) };
  });
}

const DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$/;
const PREFIXES = ['eq', 'ge', 'gt', 'le', 'lt', 'sa', 'eb'];

/** The interval a FHIR date of any precision stands for (UTC when it names no zone). */
function interval(text: string, name: string): { start: number; end: number } {
  const m = DATE.exec(text);
  if (!m) throw badRequest(`${name}: "${text}" is not a FHIR date (YYYY, YYYY-MM, YYYY-MM-DD or a dateTime)`);
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  if (h !== undefined) {
    const iso = `${y}-${mo}-${d}T${h}:${mi}:${s ?? '00'}${ms ?? ''}${zone ?? 'Z'}`;
    const start = Date.parse(iso);
    if (Number.isNaN(start)) throw badRequest(`${name}: "${text}" is not a valid time`);
    const unit = ms !== undefined ? 1 : s !== undefined ? 1000 : 60_000;
    return { start, end: start + unit - 1 };
  }
  const start = Date.UTC(Number(y), mo ? Number(mo) - 1 : 0, d ? Number(d) : 1);
  const next = d ? Date.UTC(Number(y), Number(mo) - 1, Number(d) + 1) : mo ? Date.UTC(Number(y), Number(mo), 1) : Date.UTC(Number(y) + 1, 0, 1);
  const check = new Date(start);
  if (Number.isNaN(start) || (mo && check.getUTCMonth() !== Number(mo) - 1) || (d && check.getUTCDate() !== Number(d))) {
    throw badRequest(`${name}: "${text}" is not a valid date`);
  }
  return { start, end: next - 1 };
}

/** Every value must hold: the window where they all do (both ends inclusive, to the millisecond). */
export function dateWindow(values: string[] | undefined, name: string): Window {
  let from = -Infinity;
  let to = Infinity;
  for (const value of values ?? []) {
    if (value.includes(',')) throw notSupported(`${name}: "any of" dates (a comma) are not supported; repeat ${name} for a range`);
    const prefix = /^[a-z]{2}/.test(value) ? value.slice(0, 2) : 'eq';
    if (!PREFIXES.includes(prefix)) throw notSupported(`${name}: the prefix "${prefix}" is not supported (eq, ge, gt, le, lt, sa, eb)`);
    const { start, end } = interval(/^[a-z]{2}/.test(value) ? value.slice(2) : value, name);
    if (prefix === 'eq') (from = Math.max(from, start)), (to = Math.min(to, end));
    else if (prefix === 'ge') from = Math.max(from, start);
    else if (prefix === 'gt' || prefix === 'sa') from = Math.max(from, end + 1);
    else if (prefix === 'le') to = Math.min(to, end);
    else to = Math.min(to, start - 1); // lt, eb
  }
  return { from: Number.isFinite(from) ? new Date(from) : null, to: Number.isFinite(to) ? new Date(to) : null };
}

/** A window that no instant satisfies (date=gt2024&date=lt2023). */
export const emptyWindow = (window: Window) => window.from !== null && window.to !== null && window.from.getTime() > window.to.getTime();
