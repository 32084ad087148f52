// What a partner credential's scopes grant, on the matrix's terms. Two spellings are accepted:
// the matrix's own (`lab_results`, `profile:read`) and SMART App Launch v2 scopes
// (`patient/Observation.rs`, `user/Patient.r`, `system/*.rs`; v1's `.read`, `.write`, `.*` too).
// A SMART scope names a FHIR resource type; the matrix's `fhir` table says which matrix
// resources each type is made from. Scopes only narrow the role's row: decide() checks both.
import matrixFile from '../../schema/rbac-matrix.json';
import type { Action, Resource } from './terms';

export const FHIR_TYPES = Object.keys(matrixFile.fhir).filter((key) => !key.startsWith('$')) as FhirType[];
export type FhirType = Exclude<keyof typeof matrixFile.fhir, '$comment'>;
// Read from the file itself: every resource, every action.
const RESOURCE_NAMES: readonly string[] = Object.keys(matrixFile.resources);
const ACTION_NAMES: readonly string[] = matrixFile.permissions.full;

/** The matrix resources a FHIR resource type is made from (Observation: lab results and wearables). */
export function matrixResourcesOf(type: FhirType): Resource[] {
  return matrixFile.fhir[type] as Resource[];
}

/** patient/ = one patient's record at a time; user/ and system/ may also list across patients. */
export type ScopeContext = 'patient' | 'user' | 'system';

export type Scope =
  | { kind: 'matrix'; resource: Resource; action?: Action }
  | { kind: 'smart'; context: ScopeContext; type: FhirType | '*'; actions: Action[] };

// SMART v2 permissions, in the order the spec writes them; s (search) is a read here.
const SMART_V2_LETTERS = ['c', 'r', 'u', 'd', 's'] as const;
const LETTER_ACTION: Record<(typeof SMART_V2_LETTERS)[number], Action> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'read' };
const SMART_V1: Record<string, Action[]> = { read: ['read'], write: ['create', 'update', 'delete'], '*': ['create', 'read', 'update', 'delete'] };
const SMART_FORM = /^(patient|user|system)\/([A-Za-z]+|\*)\.([a-z*]+)$/;

/** A scope string as data, or a message saying why it is not one we accept. */
export function parseScope(scope: string): Scope | { error: string } {
  const smart = SMART_FORM.exec(scope);
  if (smart) {
    const [, context, type, permissions] = smart;
    if (type !== '*' && !(FHIR_TYPES as string[]).includes(type)) {
      return { error: `"${scope}": ${type} is not a FHIR resource type this API serves (${FHIR_TYPES.join(', ')}, or *)` };
    }
    const letters = permissions.split('');
    const v2 = letters.every((letter, i) => SMART_V2_LETTERS.includes(letter as never) && (i === 0 || SMART_V2_LETTERS.indexOf(letter as never) > SMART_V2_LETTERS.indexOf(letters[i - 1] as never)));
    const granted = v2 ? [...new Set(letters.map((letter) => LETTER_ACTION[letter as keyof typeof LETTER_ACTION]))] : SMART_V1[permissions];
    if (!granted) return { error: `"${scope}": permissions must be SMART v2 letters in the order c, r, u, d, s (e.g. .rs), or read, write or *` };
    return { kind: 'smart', context: context as ScopeContext, type: type as FhirType | '*', actions: granted };
  }
  if (scope.includes('?')) return { error: `"${scope}": scope parameters (?category=…) are not supported` };
  const [resource, action, extra] = scope.split(':');
  if (RESOURCE_NAMES.includes(resource) && (action === undefined || ACTION_NAMES.includes(action)) && extra === undefined) {
    return { kind: 'matrix', resource: resource as Resource, action: action as Action | undefined };
  }
  return { error: `"${scope}" is neither a matrix resource or resource:action (e.g. lab_results:read) nor a SMART scope (e.g. patient/Observation.rs)` };
}

const typesOf = (scope: Extract<Scope, { kind: 'smart' }>): FhirType[] => (scope.type === '*' ? FHIR_TYPES : [scope.type]);

function grants(scope: Scope, resource: Resource, action: Action, patientId: string | null): boolean {
  if (scope.kind === 'matrix') return scope.resource === resource && (scope.action === undefined || scope.action === action);
  if (!scope.actions.includes(action)) return false;
  // A patient-level scope reaches one patient's record at a time, never a list across patients.
  if (scope.context === 'patient' && patientId === null) return false;
  return typesOf(scope).some((type) => matrixResourcesOf(type).includes(resource));
}

const parsedCache = new Map<string, Scope | null>();
function parsed(scope: string): Scope | null {
  let result = parsedCache.get(scope);
  if (result === undefined) {
    const outcome = parseScope(scope);
    result = 'error' in outcome ? null : outcome;
    if (parsedCache.size < 10_000) parsedCache.set(scope, result);
  }
  return result;
}

/** Whether any of the scopes grants `action` on `resource` for this patient (null: no single patient). Unknown scopes grant nothing. */
export function scopesGrant(scopes: readonly string[], resource: Resource, action: Action, patientId: string | null): boolean {
  return scopes.some((scope) => {
    const known = parsed(scope);
    return known !== null && grants(known, resource, action, patientId);
  });
}

/**
 * Whether the scopes reach a FHIR resource type at all: a SMART scope must name it (or *);
 * the matrix's own scopes reach every type made from a resource they name. Unset = the role's row.
 */
export function scopesReachFhirType(scopes: readonly string[] | undefined, type: FhirType): boolean {
  if (!scopes) return true;
  return scopes.some((scope) => {
    const known = parsed(scope);
    if (!known) return false;
    if (known.kind === 'smart') return known.actions.includes('read') && typesOf(known).includes(type);
    return matrixResourcesOf(type).includes(known.resource) && (known.action === undefined || known.action === 'read');
  });
}
