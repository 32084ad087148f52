// The whole cube (resource x action x role, own and other record) against DESIGN.md's table,
// written out here by hand so that a wrong cell in schema/rbac-matrix.json fails.
import type { Caller, Role } from '../shared/auth/caller';
import { ANONYMOUS } from '../shared/auth/caller';
import { ACTIONS, decide, type Resource } from '../shared/rbac/matrix';

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
