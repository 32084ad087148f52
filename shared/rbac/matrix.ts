// The RBAC matrix as data (schema/rbac-matrix.json) and the one decision function every
// rule in every subgraph calls: resource × action × role, then ownership for ownOnly.
import matrixFile from '../../schema/rbac-matrix.json';
import type { Caller, Role } from '../auth/caller';
import { scopesGrant } from './scopes';
import type { Action, Resource } from './terms';

export { ACTIONS, RESOURCES, type Action, type Resource } from './terms';
type Permission = keyof typeof matrixFile.permissions | 'ownOnly';

export function permissionOf(resource: Resource, role: Role): Permission {
  return (matrixFile.resources[resource] as Record<string, string>)[role] as Permission;
}

/** Whether access to this resource is PHI access, which is audited. */
export function isPhi(resource: Resource): boolean {
  return (matrixFile.phi as string[]).includes(resource);
}

export interface Decision {
  allowed: boolean;
  /** UNAUTHENTICATED or FORBIDDEN when denied. */
  code?: 'UNAUTHENTICATED' | 'FORBIDDEN';
  reason: string;
}

/**
 * `patientId` is the patient the data belongs to: null for an operation on no single
 * patient (a list of patients, the audit log), which an ownOnly caller may not use.
 */
export function decide(caller: Caller, resource: Resource, action: Action, patientId: string | null): Decision {
  const entry = matrixFile.resources[resource] as { public?: string[] };
  if (entry.public?.includes(action)) return { allowed: true, reason: 'public' };
  if (caller.role === 'anonymous') return { allowed: false, code: 'UNAUTHENTICATED', reason: 'no valid token' };
  if (caller.scopes && !scopesGrant(caller.scopes, resource, action, patientId)) {
    return { allowed: false, code: 'FORBIDDEN', reason: `outside the credential's scopes (${resource}:${action})` };
  }
  const permission = permissionOf(resource, caller.role);
  if (permission === 'ownOnly') {
    const own = (matrixFile.ownOnly as unknown as Record<string, string[]>)[resource] ?? [];
    if (!own.includes(action)) return { allowed: false, code: 'FORBIDDEN', reason: `ownOnly does not grant ${action}` };
    if (!caller.patientId) return { allowed: false, code: 'FORBIDDEN', reason: 'the caller has no patient record' };
    if (patientId !== caller.patientId) {
      return { allowed: false, code: 'FORBIDDEN', reason: patientId ? "another patient's record" : 'not limited to the caller’s own record' };
    }
    return { allowed: true, reason: 'own record' };
  }
  const actions = (matrixFile.permissions as Record<string, string[]>)[permission] ?? [];
  return actions.includes(action)
    ? { allowed: true, reason: `${caller.role}: ${permission}` }
    : { allowed: false, code: 'FORBIDDEN', reason: `${caller.role}: ${permission} does not grant ${action}` };
}
