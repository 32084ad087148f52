// The patient subgraph through the real gateway: search and paging over the seeded
// population, profile updates and their validation, the timeline (recordPatientEvent and
// the events filter), care records, and `me` for a signed-in customer.
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, gql, type GraphQLResponse, clientWith, expectBadInput } from '../../../test/support/graphql';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
const EVENT_TYPES = [
  'PROFILE_UPDATED',
  'LAB_RESULT_ADDED',
  'PROTOCOL_STARTED',
  'PROTOCOL_UPDATED',
  'WEARABLE_CONNECTED',
  'WEARABLE_DISCONNECTED',
  'MEMBERSHIP_CHANGED',
  'CHECK_IN',
  'LUNA_CONVERSATION',
  'NOTE',
];

// Patients this file only reads, and one per writing test.
const SEARCHED = seededPatientId(5);
const UPDATED = seededPatientId(161);
const REFUSED = seededPatientId(162);
const TIMELINE = seededPatientId(163);

let headers: Record<string, string>;
beforeAll(async () => {
  headers = await authHeaders('admin');
});

const { ask, data } = clientWith(() => headers);

const PATIENTS = `query($search: String, $first: Int, $after: String) {
  patients(search: $search, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id firstName lastName email createdAt } }
  }
}`;

const PROFILE = `query($id: ID!) {
  patient(id: $id) {
    id firstName lastName email phone timezone conditions medications allergies heightCm weightKg updatedAt
    events(types: [PROFILE_UPDATED], first: 100) { totalCount edges { node { id type title detail source occurredAt } } }
  }
}`;

const UPDATE = `mutation($id: ID!, $input: UpdatePatientProfileInput!) {
  updatePatientProfile(id: $id, input: $input) { id firstName lastName phone timezone conditions heightCm weightKg updatedAt }
}`;

const EVENTS = `query($id: ID!, $types: [PatientEventType!], $first: Int, $after: String) {
  patient(id: $id) {
    events(types: $types, first: $first, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { cursor node { id type title detail source occurredAt } }
    }
  }
}`;

const RECORD = `mutation($id: ID!, $input: PatientEventInput!) {
  recordPatientEvent(patientId: $id, input: $input) { id type title detail source occurredAt }
}`;

async function allPatients(search: string | null, first: number): Promise<{ totalCount: number; nodes: any[]; pages: number }> {
  const nodes: any[] = [];
  let after: string | null = null;
  let totalCount = 0;
  let pages = 0;
  do {
    const page: any = (await data(PATIENTS, { search, first, after })).patients;
    totalCount = page.totalCount;
    nodes.push(...page.edges.map((edge: any) => edge.node));
    after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    pages++;
  } while (after && pages < 100);
  return { totalCount, nodes, pages };
}

describe('patient: listing and searching', () => {
  it('pages over every seeded patient, newest first, without duplicates or gaps', async () => {
    const { totalCount, nodes, pages } = await allPatients(null, 30);
    expect(totalCount).toBeGreaterThanOrEqual(200);
    expect(pages).toBe(Math.ceil(totalCount / 30));
    expect(nodes).toHaveLength(totalCount);
    const ids = nodes.map((node) => node.id);
    expect(new Set(ids).size).toBe(totalCount);
    for (let i = 1; i <= 200; i++) expect(ids).toContain(seededPatientId(i));
    const created = nodes.map((node) => Date.parse(node.createdAt));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('finds a patient by name or email, case-insensitively, and nothing else', async () => {
    const target = (await data('query($id: ID!) { patient(id: $id) { id firstName lastName email } }', { id: SEARCHED })).patient;
    const matches = (node: any, search: string) =>
      [node.firstName, node.lastName, node.email].some((value: string) => value.toLowerCase().includes(search.toLowerCase()));

    for (const search of [target.lastName.toUpperCase(), target.firstName.toLowerCase(), `  ${target.lastName}  `]) {
      const { totalCount, nodes } = await allPatients(search, 100);
      expect(nodes.map((node) => node.id)).toContain(SEARCHED);
      expect(nodes).toHaveLength(totalCount);
      expect(nodes.every((node) => matches(node, search.trim()))).toBe(true);
    }
    // And it leaves out the patients that do not match.
    const everyone = await allPatients(null, 100);
    const byLastName = await allPatients(target.lastName.toUpperCase(), 100);
    expect(byLastName.totalCount).toBe(everyone.nodes.filter((node) => matches(node, target.lastName)).length);
    expect(byLastName.totalCount).toBeLessThan(everyone.totalCount);

    const byEmail = (await data(PATIENTS, { search: target.email.toUpperCase(), first: 10 })).patients;
    expect(byEmail.totalCount).toBe(1);
    expect(byEmail.edges.map((edge: any) => edge.node.id)).toEqual([SEARCHED]);

    const none = (await data(PATIENTS, { search: `nobody-${RUN}`, first: 10 })).patients;
    expect(none).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('pages a search with first/after and hasNextPage', async () => {
    const first = (await data(PATIENTS, { search: 'example.com', first: 3 })).patients;
    expect(first.totalCount).toBeGreaterThanOrEqual(200);
    expect(first.edges).toHaveLength(3);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[2].cursor });
    const second = (await data(PATIENTS, { search: 'example.com', first: 3, after: first.pageInfo.endCursor })).patients;
    const six = (await data(PATIENTS, { search: 'example.com', first: 6 })).patients;
    expect([...first.edges, ...second.edges].map((edge: any) => edge.node.id)).toEqual(six.edges.map((edge: any) => edge.node.id));
  });

  it('refuses an overlong search and bad page arguments with BAD_USER_INPUT', async () => {
    expectBadInput(await ask(PATIENTS, { search: 'x'.repeat(101), first: 5 }), 'search');
    expectBadInput(await ask(PATIENTS, { first: 0 }), 'first');
    expectBadInput(await ask(PATIENTS, { first: 101 }), 'first');
    expectBadInput(await ask(PATIENTS, { first: 5, after: 'bm90LWEtY3Vyc29y' }), 'after');
  });

  it('answers an unknown id with null and NOT_FOUND, a malformed one with BAD_USER_INPUT', async () => {
    const unknown = await ask('query($id: ID!) { patient(id: $id) { id firstName } }', { id: MISSING_ID });
    expect(unknown.data).toEqual({ patient: null });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expectBadInput(await ask('query($id: ID!) { patient(id: $id) { id } }', { id: 'patient-1' }), 'id');
  });
});

describe('patient: updating a profile', () => {
  it('changes only the given fields, reads them back and records a PROFILE_UPDATED event', async () => {
    const before = (await data(PROFILE, { id: UPDATED })).patient;
    const firstName = `Ada${RUN}`;
    const input = {
      firstName: `  ${firstName}  `,
      phone: '+1 (555) 010-0199',
      conditions: ['  Hypertension ', 'Hypertension', '', 'Asthma'],
      heightCm: 171.5,
      weightKg: 72.5,
    };
    const updated = (await data(UPDATE, { id: UPDATED, input })).updatePatientProfile;
    expect(updated).toMatchObject({
      id: UPDATED,
      firstName,
      lastName: before.lastName,
      phone: '+1 (555) 010-0199',
      timezone: before.timezone,
      conditions: ['Hypertension', 'Asthma'],
      heightCm: 171.5,
      weightKg: 72.5,
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(before.updatedAt));

    const after = (await data(PROFILE, { id: UPDATED })).patient;
    expect(after).toMatchObject({ ...updated, email: before.email, medications: before.medications, allergies: before.allergies });
    expect(after.events.totalCount).toBe(before.events.totalCount + 1);
    const event = after.events.edges[0].node;
    expect(event).toMatchObject({ type: 'PROFILE_UPDATED', source: 'patient' });
    expect(JSON.parse(event.detail).fields.sort()).toEqual(['conditions', 'firstName', 'heightCm', 'phone', 'weightKg']);
    // The new name is searchable.
    const found = (await data(PATIENTS, { search: firstName.toUpperCase(), first: 5 })).patients;
    expect(found.edges.map((edge: any) => edge.node.id)).toEqual([UPDATED]);
  });

  it('refuses implausible input with BAD_USER_INPUT naming the field, and changes nothing', async () => {
    const before = (await data(PROFILE, { id: REFUSED })).patient;
    const refused: [Record<string, unknown>, string][] = [
      [{ phone: 'call me maybe' }, 'input.phone'],
      [{ phone: '12' }, 'input.phone'],
      [{ firstName: '   ' }, 'input.firstName'],
      [{ lastName: '' }, 'input.lastName'],
      [{ lastName: 'x'.repeat(101) }, 'input.lastName'],
      [{ weightKg: 401 }, 'input.weightKg'],
      [{ weightKg: 19.9 }, 'input.weightKg'],
      [{ heightCm: 10 }, 'input.heightCm'],
      [{ timezone: 'Mars/Olympus' }, 'input.timezone'],
      [{ conditions: Array.from({ length: 51 }, (_, i) => `c${i}`) }, 'input.conditions'],
      [{ allergies: ['x'.repeat(201)] }, 'input.allergies'],
      [{}, 'input'],
      [{ firstName: null, phone: null }, 'input'],
      // One bad field refuses the whole update, the valid ones included.
      [{ phone: '+1 555 0100 999', weightKg: 1000 }, 'input.weightKg'],
    ];
    for (const [input, argument] of refused) {
      const response = await ask(UPDATE, { id: REFUSED, input });
      expect(response.data).toBeNull();
      expectBadInput(response, argument);
    }
    expectBadInput(await ask(UPDATE, { id: 'nope', input: { firstName: 'Ann' } }), 'id');
    const unknown = await ask(UPDATE, { id: MISSING_ID, input: { firstName: 'Ann' } });
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect((await data(PROFILE, { id: REFUSED })).patient).toEqual(before);
  });
});

describe('patient: the timeline', () => {
  it('records an event and finds it through the types filter only', async () => {
    const detail = { author: 'Dr. Test', run: RUN, items: [1, 2] };
    const occurredAt = '2026-01-15T09:30:00.000Z';
    const recorded = (await data(RECORD, { id: TIMELINE, input: { type: 'NOTE', title: `  Call ${RUN}  `, detail: JSON.stringify(detail), occurredAt } }))
      .recordPatientEvent;
    expect(recorded).toMatchObject({ type: 'NOTE', title: `Call ${RUN}`, source: 'patient', occurredAt });
    expect(JSON.parse(recorded.detail)).toEqual(detail);

    const notes = (await data(EVENTS, { id: TIMELINE, types: ['NOTE'], first: 100 })).patient.events;
    expect(notes.edges.every((edge: any) => edge.node.type === 'NOTE')).toBe(true);
    expect(notes.edges.map((edge: any) => edge.node)).toContainEqual(recorded);
    const others = (await data(EVENTS, { id: TIMELINE, types: EVENT_TYPES.filter((t) => t !== 'NOTE'), first: 100 })).patient.events;
    expect(others.edges.map((edge: any) => edge.node.id)).not.toContain(recorded.id);
    expect(others.edges.every((edge: any) => edge.node.type !== 'NOTE')).toBe(true);
    const all = (await data(EVENTS, { id: TIMELINE, first: 100 })).patient.events;
    expect(all.totalCount).toBe(notes.totalCount + others.totalCount);

    // Without occurredAt it happens now: first on the newest-first timeline.
    const now = (await data(RECORD, { id: TIMELINE, input: { type: 'CHECK_IN', title: `Now ${RUN}` } })).recordPatientEvent;
    expect(now.detail).toBeNull();
    expect(Math.abs(Date.parse(now.occurredAt) - Date.now())).toBeLessThan(60_000);
    const latest = (await data(EVENTS, { id: TIMELINE, types: ['CHECK_IN', 'NOTE'], first: 1 })).patient.events;
    expect(latest.edges[0].node.id).toBe(now.id);
    expect(latest.totalCount).toBe(notes.totalCount + 1 + others.edges.filter((edge: any) => edge.node.type === 'CHECK_IN').length);
  });

  it('pages the timeline newest first with first/after', async () => {
    await data(RECORD, { id: TIMELINE, input: { type: 'NOTE', title: `Paging ${RUN}`, occurredAt: '2025-06-01T00:00:00.000Z' } });
    const full = (await data(EVENTS, { id: TIMELINE, first: 100 })).patient.events;
    expect(full.totalCount).toBeGreaterThan(3);
    expect(full.edges).toHaveLength(full.totalCount);
    const times = full.edges.map((edge: any) => Date.parse(edge.node.occurredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const walked: string[] = [];
    let after: string | null = null;
    do {
      const page: any = (await data(EVENTS, { id: TIMELINE, first: 2, after })).patient.events;
      expect(page.totalCount).toBe(full.totalCount);
      walked.push(...page.edges.map((edge: any) => edge.node.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after && walked.length <= full.totalCount);
    expect(walked).toEqual(full.edges.map((edge: any) => edge.node.id));
    expectBadInput(await ask(EVENTS, { id: TIMELINE, first: 2, after: 'bm90LWEtY3Vyc29y' }), 'after');
  });

  it('refuses a blank title, a detail that is not JSON, and answers an unknown patient with NOT_FOUND', async () => {
    const before = (await data(EVENTS, { id: TIMELINE, first: 1 })).patient.events.totalCount;
    expectBadInput(await ask(RECORD, { id: TIMELINE, input: { type: 'NOTE', title: '   ' } }), 'input.title');
    expectBadInput(await ask(RECORD, { id: TIMELINE, input: { type: 'NOTE', title: 'x'.repeat(201) } }), 'input.title');
    expectBadInput(await ask(RECORD, { id: TIMELINE, input: { type: 'NOTE', title: 'Note', detail: '{not json' } }), 'input.detail');
    expectBadInput(await ask(RECORD, { id: 'nope', input: { type: 'NOTE', title: 'Note' } }), 'patientId');
    const unknown = await ask(RECORD, { id: MISSING_ID, input: { type: 'NOTE', title: 'Note' } });
    expect(unknown.data).toBeNull();
    expect(codes(unknown)).toEqual(['NOT_FOUND']);
    expect((await data(EVENTS, { id: TIMELINE, first: 1 })).patient.events.totalCount).toBe(before);
  });
});

describe('patient: care records', () => {
  it('gives every seeded patient a current membership, and the population treatments and prescriptions', async () => {
    const page = (
      await data(`{ patients(first: 100) { edges { node { id
        membership { id plan status priceCents currency startedAt currentPeriodEnd canceledAt }
        memberships { id startedAt status }
        treatments { id name status startedAt endedAt }
        prescriptions { id medication dosage frequency prescriber status refillsRemaining prescribedAt expiresAt }
      } } } }`)
    ).patients.edges.map((edge: any) => edge.node);
    expect(page).toHaveLength(100);
    for (const patient of page) {
      expect(patient.membership).not.toBeNull();
      expect(patient.membership.id).toBe(patient.memberships[0].id);
      const starts = patient.memberships.map((m: any) => Date.parse(m.startedAt));
      expect(starts).toEqual([...starts].sort((a, b) => b - a));
      expect(patient.membership.plan.length).toBeGreaterThan(0);
      expect(patient.membership.priceCents).toBeGreaterThan(0);
      expect(Date.parse(patient.membership.currentPeriodEnd)).toBeGreaterThan(Date.parse(patient.membership.startedAt));
      expect(patient.membership.status === 'CANCELED').toBe(patient.membership.canceledAt !== null);
      const prescribed = patient.prescriptions.map((p: any) => Date.parse(p.prescribedAt));
      expect(prescribed).toEqual([...prescribed].sort((a, b) => b - a));
    }
    const treatments = page.flatMap((p: any) => p.treatments);
    const prescriptions = page.flatMap((p: any) => p.prescriptions);
    expect(treatments.length).toBeGreaterThan(20);
    expect(prescriptions.length).toBeGreaterThan(20);
    expect(new Set(treatments.map((t: any) => t.status)).has('ACTIVE')).toBe(true);
    expect(prescriptions.every((p: any) => p.medication && p.dosage && p.frequency && p.prescriber && p.refillsRemaining >= 0)).toBe(true);
  });
});

describe('patient: me', () => {
  it('returns the signed-in customer’s own record', async () => {
    for (const index of [3, 7]) {
      const customer = await authHeaders('customer', { patientIndex: index });
      const me = await ask('{ me { id firstName lastName email } }', {}, customer);
      expect(me.errors ?? []).toEqual([]);
      const own = (await data('query($id: ID!) { patient(id: $id) { id firstName lastName email } }', { id: seededPatientId(index) })).patient;
      expect(me.data!.me).toEqual(own);
      expect(me.data!.me.id).toBe(seededPatientId(index));
    }
  });

  it('is null for a caller without a patient record', async () => {
    const me = await ask('{ me { id } }');
    expect(me.data?.me ?? null).toBeNull();
  });
});
