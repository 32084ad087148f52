// Who is asking. Every request carries one Caller in its context; resolvers and rules
// read it and never parse headers themselves.
export const ROLES = ['admin', 'staff', 'provider', 'support', 'customer'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  /** Subject of the verified token (Clerk user id), null when anonymous. */
  userId: string | null;
  role: Role | 'anonymous';
  /** The caller's own patient record, for customers. */
  patientId: string | null;
  /** Partner clients only: the credential the token was issued for. */
  partnerId?: string;
  /** What the token is limited to (matrix or SMART scopes, shared/rbac/scopes.ts): a partner credential's, or a delegated token's; unset = the role's row. */
  scopes?: readonly string[];
  /** Delegated tokens only (delegation.ts): the background work acting for this person, e.g. `fhir-export:<id>`. */
  actor?: string;
}

export const ANONYMOUS: Caller = Object.freeze({ userId: null, role: 'anonymous', patientId: null });
