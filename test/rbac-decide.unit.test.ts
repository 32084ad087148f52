// The whole cube (resource x action x role, own and other record) against docs/architecture.md's table,
// written out here by hand so that a wrong cell in schema/rbac-matrix.json fails.
import type { Caller, Role } from '../shared/auth/caller';
import { ANONYMOUS } from '../shared/auth/caller';
import { ACTIONS, decide, type Resource } from '../shared/rbac/matrix';
import { FHIR_TYPES, parseScope, scopesReachFhirType } from '../shared/rbac/scopes';

const FULL = 'crud';
const TABLE: Record<Resource, Record<Role, string>> = {
  // c = create, r = read, u = update, d = delete; "own:" = only on the caller's own record.
  profile: { admin: FULL, staff: FULL, provider: 'r', support: 'r', customer: 'own:ru' },
  lab_results: { admin: FULL, staff: FULL, provider: 'r', support: 'r', customer: 'own:rc' },
  protocols: { admin: FULL, staff: FULL, provider: 'cru', support: 'r', customer: 'own:r' },
  events: { admin: FULL, staff: FULL, provider: 'r', support: 'r', customer: 'own:r' },
  audit_log: { admin: FULL, staff: 'r', provider: '', support: '', customer: '' },
  wearables: { admin: FULL, staff: FULL, provider: 'r', support: 'r', customer: 'own:crud' },
  conversations: { admin: FULL, staff: FULL, provider: 'r', support: 'r', customer: 'own:rcu' },
  content: { admin: FULL, staff: FULL, provider: 'r', support: 'r', customer: 'r' },
  partner_credentials: { admin: FULL, staff: '', provider: '', support: '', customer: '' },
  care_alerts: { admin: FULL, staff: FULL, provider: 'cru', support: '', customer: '' },
  care_alert_deliveries: { admin: FULL, staff: '', provider: '', support: '', customer: '' },
  clinical_overrides: { admin: '', staff: '', provider: 'cru', support: '', customer: '' },
  fhir_exports: { admin: FULL, staff: FULL, provider: '', support: '', customer: 'own:rcd' },
};
const LETTER = { read: 'r', create: 'c', update: 'u', delete: 'd' } as const;
const OWN = '11111111-1111-4111-8111-111111111111';
const OTHER = '22222222-2222-4222-8222-222222222222';

const cases = Object.entries(TABLE).flatMap(([resource, roles]) =>
  Object.entries(roles).flatMap(([role, cell]) =>
    ACTIONS.flatMap((action) =>
      [OWN, OTHER].map((patientId) => {
        const ownOnly = cell.startsWith('own:');
        const granted = cell.replace('own:', '').includes(LETTER[action]);
        return [resource as Resource, role as Role, action, patientId === OWN ? 'own' : 'other', granted && (!ownOnly || patientId === OWN), patientId] as const;
      }),
    ),
  ),
);

describe('the RBAC matrix', () => {
  it.each(cases)('%s: %s may %s on the %s record → %s', (resource, role, action, _which, expected, patientId) => {
    const caller: Caller = { userId: `user_${role}`, role, patientId: role === 'customer' ? OWN : null };
    const decision = decide(caller, resource, action, patientId);
    expect(decision.allowed).toBe(expected);
    if (!expected) expect(decision.code).toBe('FORBIDDEN');
  });

  it('lets anonymous callers read content and nothing else', () => {
    for (const resource of Object.keys(TABLE) as Resource[]) {
      for (const action of ACTIONS) {
        const decision = decide(ANONYMOUS, resource, action, OWN);
        const expected = resource === 'content' && action === 'read';
        expect([resource, action, decision.allowed]).toEqual([resource, action, expected]);
        if (!expected) expect(decision.code).toBe('UNAUTHENTICATED');
      }
    }
  });

  it('refuses an ownOnly caller an operation on no single patient (a list), and a customer with no record', () => {
    const customer: Caller = { userId: 'user_x', role: 'customer', patientId: OWN };
    expect(decide(customer, 'profile', 'read', null).allowed).toBe(false);
    expect(decide({ ...customer, patientId: null }, 'profile', 'read', null).allowed).toBe(false);
    expect(decide({ ...customer, patientId: null }, 'profile', 'read', OWN).allowed).toBe(false);
  });

  it("limits a partner credential to its scopes, within its role's row", () => {
    const partner: Caller = { userId: 'partner:p1', role: 'support', patientId: null, partnerId: 'p1', scopes: ['lab_results', 'profile:read'] };
    expect(decide(partner, 'lab_results', 'read', OTHER).allowed).toBe(true);
    expect(decide(partner, 'profile', 'read', OTHER).allowed).toBe(true);
    const outside = decide(partner, 'protocols', 'read', OTHER);
    expect([outside.allowed, outside.code]).toEqual([false, 'FORBIDDEN']);
    // A scope never grants more than the role: support may not write lab results.
    expect(decide(partner, 'lab_results', 'create', OTHER).allowed).toBe(false);
    expect(decide({ ...partner, scopes: undefined }, 'protocols', 'read', OTHER).allowed).toBe(true);
  });
});

describe('SMART on FHIR scopes', () => {
  const partner = (scopes: string[]): Caller => ({ userId: 'partner:p2', role: 'support', patientId: null, partnerId: 'p2', scopes });

  it('map a FHIR type onto the matrix resources it is made from, for the letters granted', () => {
    const observations = partner(['patient/Observation.rs']);
    expect(decide(observations, 'lab_results', 'read', OTHER).allowed).toBe(true);
    expect(decide(observations, 'wearables', 'read', OTHER).allowed).toBe(true);
    for (const resource of ['protocols', 'profile', 'events', 'conversations'] as const) {
      expect([resource, decide(observations, resource, 'read', OTHER).allowed]).toEqual([resource, false]);
    }
    // .rs grants reading only; c/u/d would still be limited by the role (support reads).
    expect(decide(observations, 'lab_results', 'create', OTHER).allowed).toBe(false);
    expect(decide(partner(['user/MedicationStatement.r']), 'protocols', 'read', OTHER).allowed).toBe(true);
    expect(decide(partner(['user/Patient.r']), 'profile', 'read', OTHER).allowed).toBe(true);
  });

  it('limit patient/ scopes to one record at a time; user/ and system/ may list', () => {
    expect(decide(partner(['patient/Patient.rs']), 'profile', 'read', null).allowed).toBe(false);
    expect(decide(partner(['user/Patient.rs']), 'profile', 'read', null).allowed).toBe(true);
    expect(decide(partner(['system/*.rs']), 'profile', 'read', null).allowed).toBe(true);
  });

  it('read system/*.rs as every FHIR type the API serves, and nothing outside them', () => {
    const everything = partner(['system/*.rs']);
    for (const resource of ['profile', 'lab_results', 'wearables', 'protocols'] as const) expect(decide(everything, resource, 'read', OTHER).allowed).toBe(true);
    expect(decide(everything, 'conversations', 'read', OTHER).allowed).toBe(false);
    expect(decide(everything, 'audit_log', 'read', null).allowed).toBe(false);
  });

  it('never widen the role: an admin-level scope on a support credential still reads only', () => {
    const caller = partner(['system/*.cruds', 'system/*.*']);
    expect(decide(caller, 'lab_results', 'read', OTHER).allowed).toBe(true);
    expect(decide(caller, 'lab_results', 'delete', OTHER).allowed).toBe(false);
    expect(decide({ ...caller, role: 'admin' }, 'lab_results', 'delete', OTHER).allowed).toBe(true);
  });

  it('accept SMART v1 (.read) and keep the matrix strings as aliases', () => {
    expect(decide(partner(['patient/Observation.read']), 'lab_results', 'read', OTHER).allowed).toBe(true);
    expect(decide(partner(['lab_results']), 'lab_results', 'read', OTHER).allowed).toBe(true);
    expect(decide(partner(['profile:read']), 'profile', 'read', OTHER).allowed).toBe(true);
  });

  it('parse what partners are given, and explain what they are not', () => {
    expect(parseScope('patient/Observation.rs')).toEqual({ kind: 'smart', context: 'patient', type: 'Observation', actions: ['read'] });
    expect(parseScope('system/*.cud')).toEqual({ kind: 'smart', context: 'system', type: '*', actions: ['create', 'update', 'delete'] });
    expect(parseScope('profile:read')).toEqual({ kind: 'matrix', resource: 'profile', action: 'read' });
    for (const bad of ['patient/Observation.sr', 'patient/Encounter.rs', 'doctor/Patient.r', 'patient/Observation.rs?category=laboratory', 'labs', 'profile:read:x']) {
      expect([bad, 'error' in parseScope(bad)]).toEqual([bad, true]);
    }
    // An unknown scope in a token grants nothing.
    expect(decide(partner(['patient/Encounter.rs']), 'lab_results', 'read', OTHER).allowed).toBe(false);
  });

  it('say which FHIR types a token reaches: SMART scopes by name, matrix scopes by their resources', () => {
    expect(scopesReachFhirType(['patient/Observation.rs'], 'Observation')).toBe(true);
    expect(scopesReachFhirType(['patient/Observation.rs'], 'DiagnosticReport')).toBe(false);
    expect(scopesReachFhirType(['patient/Observation.rs'], 'MedicationStatement')).toBe(false);
    expect(scopesReachFhirType(['lab_results'], 'DiagnosticReport')).toBe(true);
    expect(scopesReachFhirType(['lab_results'], 'Device')).toBe(false);
    expect(scopesReachFhirType(undefined, 'Device')).toBe(true);
    expect(FHIR_TYPES).toEqual(['Patient', 'Observation', 'DiagnosticReport', 'MedicationStatement', 'Device']);
  });
});
