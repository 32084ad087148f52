// The protocols subgraph through the real gateway: creating protocols whose items name
// peptides of the content catalog (resolved by content through federation), the timeline
// event an active protocol adds, updates, items, stacks, deletion, validation that names
// the argument, and NOT_FOUND for unknown ids.
import { authHeaders, seededPatientId } from '../../../test/support/auth';
import { codes, gql, type GraphQLResponse, clientWith, expectBadInput, expectNotFound } from '../../../test/support/graphql';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';
const RUN = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
let counter = 0;
const unique = (prefix: string) => `${prefix} ${RUN}-${++counter}`;

// Each test writes to its own seeded patient, so the tests do not depend on their order.
const CREATE = seededPatientId(121);
const ACTIVE = seededPatientId(122);
const INVALID = seededPatientId(123);
const UPDATE = seededPatientId(124);
const ITEMS = seededPatientId(125);
const STACKS = seededPatientId(126);
const DELETE = seededPatientId(127);

let headers: Record<string, string>;
/** Two peptides whose catalog ranges take the doses below (clinical checks: test/clinical-safety.test.ts) and that no seeded condition contraindicates. */
let peptides: { id: string; name: string }[];
beforeAll(async () => {
  headers = await authHeaders('admin');
  peptides = [(await data('{ peptide(slug: "bpc-157") { id name } }')).peptide, (await data('{ peptide(slug: "kpv") { id name } }')).peptide];
  expect(peptides.every(Boolean)).toBe(true);
});

const { ask, data } = clientWith(() => headers);

const ITEM_FIELDS = 'id peptide { id name } doseAmount doseUnit frequency route timing durationWeeks notes position';
const PROTOCOL_FIELDS = `id name goal status startDate endDate notes createdBy createdAt updatedAt patient { id firstName } items { ${ITEM_FIELDS} }`;
const CREATE_PROTOCOL = `mutation($patientId: ID!, $input: ProtocolInput!) { createProtocol(patientId: $patientId, input: $input) { ${PROTOCOL_FIELDS} } }`;
const READ_PROTOCOL = `query($id: ID!) { protocol(id: $id) { ${PROTOCOL_FIELDS} } }`;

const item = (peptideId: string, extra: Record<string, unknown> = {}) => ({ peptideId, doseAmount: 250, doseUnit: 'mcg', frequency: 'daily', ...extra });

async function createProtocol(patientId: string, input: Record<string, unknown>): Promise<any> {
  return (await data(CREATE_PROTOCOL, { patientId, input: { name: unique('Protocol'), ...input } })).createProtocol;
}

async function events(patientId: string, type: string): Promise<{ totalCount: number; edges: { node: { type: string; title: string; detail: string | null } }[] }> {
  return (
    await data('query($id: ID!, $types: [PatientEventType!]) { patient(id: $id) { events(types: $types, first: 5) { totalCount edges { node { type title detail } } } } }', {
      id: patientId,
      types: [type],
    })
  ).patient.events;
}

async function patientProtocols(patientId: string, status: string | null = null): Promise<string[]> {
  const result = await data('query($id: ID!, $status: ProtocolStatus) { patient(id: $id) { protocols(status: $status) { id status } } }', { id: patientId, status });
  if (status) expect(result.patient.protocols.every((p: any) => p.status === status)).toBe(true);
  return result.patient.protocols.map((p: any) => p.id);
}

describe('protocols: creating', () => {
  it('creates a draft protocol whose items name real peptides, read back through protocol(id) and Patient.protocols', async () => {
    const startedBefore = (await events(CREATE, 'PROTOCOL_STARTED')).totalCount;
    const name = unique('Recovery');
    const created = await createProtocol(CREATE, {
      name: `  ${name}  `,
      goal: 'Tendon recovery',
      startDate: '2026-01-05',
      endDate: '2026-03-02',
      notes: 'Take with water.',
      items: [
        item(peptides[0].id, { doseAmount: 250, route: 'subcutaneous', timing: 'morning', durationWeeks: 8, notes: 'Rotate sites' }),
        item(peptides[1].id, { doseAmount: 0.25, doseUnit: 'mg', frequency: 'twice daily' }),
      ],
    });
    expect(created).toMatchObject({ name, goal: 'Tendon recovery', status: 'DRAFT', startDate: '2026-01-05', endDate: '2026-03-02', notes: 'Take with water.' });
    expect(created.createdBy).toBe('user_test_admin');

    const read = (await data(READ_PROTOCOL, { id: created.id })).protocol;
    expect(read).toEqual(created);
    expect(read.patient.id).toBe(CREATE);
    expect(typeof read.patient.firstName).toBe('string');
    expect(read.items).toEqual([
      {
        id: expect.any(String),
        peptide: peptides[0],
        doseAmount: 250,
        doseUnit: 'mcg',
        frequency: 'daily',
        route: 'subcutaneous',
        timing: 'morning',
        durationWeeks: 8,
        notes: 'Rotate sites',
        position: 0,
      },
      {
        id: expect.any(String),
        peptide: peptides[1],
        doseAmount: 0.25,
        doseUnit: 'mg',
        frequency: 'twice daily',
        route: 'subcutaneous', // the default
        timing: null,
        durationWeeks: null,
        notes: null,
        position: 1,
      },
    ]);

    // Newest first in the patient's list; the status filter narrows it.
    expect((await patientProtocols(CREATE))[0]).toBe(created.id);
    expect(await patientProtocols(CREATE, 'DRAFT')).toContain(created.id);
    expect(await patientProtocols(CREATE, 'ACTIVE')).not.toContain(created.id);
    // A draft has not started.
    expect((await events(CREATE, 'PROTOCOL_STARTED')).totalCount).toBe(startedBefore);
  });

  it('an ACTIVE protocol adds a PROTOCOL_STARTED event to the patient’s timeline', async () => {
    const before = (await events(ACTIVE, 'PROTOCOL_STARTED')).totalCount;
    const created = await createProtocol(ACTIVE, { status: 'ACTIVE', startDate: '2026-02-01', items: [item(peptides[0].id)] });
    expect(created.status).toBe('ACTIVE');
    const after = await events(ACTIVE, 'PROTOCOL_STARTED');
    expect(after.totalCount).toBe(before + 1);
    expect(after.edges[0].node.title).toBe(`Protocol "${created.name}" started`);
    expect(JSON.parse(after.edges[0].node.detail!)).toMatchObject({ protocolId: created.id });
    expect(await patientProtocols(ACTIVE, 'ACTIVE')).toContain(created.id);
    expect(await patientProtocols(ACTIVE, 'PAUSED')).not.toContain(created.id);
  });

  it('refuses invalid input with BAD_USER_INPUT naming the argument, and writes nothing', async () => {
    const before = await patientProtocols(INVALID);
    const startedBefore = (await events(INVALID, 'PROTOCOL_STARTED')).totalCount;
    const ok = item(peptides[0].id);
    const cases: [Record<string, unknown>, string][] = [
      [{ items: [item(MISSING_ID)] }, 'input.items[0].peptideId'],
      [{ items: [ok, item(MISSING_ID)] }, 'input.items[1].peptideId'],
      [{ items: [item('not-an-id')] }, 'input.items[0].peptideId'],
      [{ startDate: '2026-03-01', endDate: '2026-02-28' }, 'input.endDate'],
      [{ items: [item(peptides[0].id, { doseUnit: 'grams' })] }, 'input.items[0].doseUnit'],
      [{ items: [item(peptides[0].id, { doseAmount: 0 })] }, 'input.items[0].doseAmount'],
      [{ items: [item(peptides[0].id, { frequency: '  ' })] }, 'input.items[0].frequency'],
      [{ items: [item(peptides[0].id, { route: 'ear' })] }, 'input.items[0].route'],
      [{ items: [item(peptides[0].id, { durationWeeks: 0 })] }, 'input.items[0].durationWeeks'],
      [{ name: '   ' }, 'input.name'],
      [{ goal: 'x'.repeat(501) }, 'input.goal'],
    ];
    for (const [input, argument] of cases) {
      const response = await ask(CREATE_PROTOCOL, { patientId: INVALID, input: { name: unique('Invalid'), status: 'ACTIVE', items: [ok], ...input } });
      expect(response.data).toBeNull();
      expectBadInput(response, argument);
    }
    expectBadInput(await ask(CREATE_PROTOCOL, { patientId: 'not-an-id', input: { name: 'x' } }), 'patientId');
    const unknownPatient = await ask(CREATE_PROTOCOL, { patientId: MISSING_ID, input: { name: 'x' } });
    expectNotFound(unknownPatient);
    expect(unknownPatient.errors![0].message).toContain(MISSING_ID);

    expect(await patientProtocols(INVALID)).toEqual(before);
    expect((await events(INVALID, 'PROTOCOL_STARTED')).totalCount).toBe(startedBefore);
  });

  it('answers NOT_FOUND for an unknown protocol id and BAD_USER_INPUT for a malformed one', async () => {
    const missing = await ask('query($id: ID!) { protocol(id: $id) { id } }', { id: MISSING_ID });
    expect(missing.data).toEqual({ protocol: null });
    expectNotFound(missing);
    expectBadInput(await ask('{ protocol(id: "nope") { id } }'), 'id');
  });
});

describe('protocols: changing', () => {
  it('updates the fields given; starting a draft adds PROTOCOL_STARTED, other changes PROTOCOL_UPDATED', async () => {
    const created = await createProtocol(UPDATE, { goal: 'Sleep', notes: 'Old notes', startDate: '2026-04-01', items: [item(peptides[0].id)] });
    const started = (await events(UPDATE, 'PROTOCOL_STARTED')).totalCount;
    const updatedCount = (await events(UPDATE, 'PROTOCOL_UPDATED')).totalCount;

    const UPDATE_PROTOCOL = `mutation($id: ID!, $input: ProtocolUpdateInput!) { updateProtocol(id: $id, input: $input) { ${PROTOCOL_FIELDS} } }`;
    const activated = (await data(UPDATE_PROTOCOL, { id: created.id, input: { status: 'ACTIVE' } })).updateProtocol;
    expect(activated).toMatchObject({ status: 'ACTIVE', name: created.name, goal: 'Sleep', notes: 'Old notes', startDate: '2026-04-01' });
    const startedEvents = await events(UPDATE, 'PROTOCOL_STARTED');
    expect(startedEvents.totalCount).toBe(started + 1);
    expect(startedEvents.edges[0].node.title).toBe(`Protocol "${created.name}" started`);

    const newName = unique('Renamed');
    const renamed = (await data(UPDATE_PROTOCOL, { id: created.id, input: { name: newName, notes: null, goal: '', endDate: '2026-06-30' } })).updateProtocol;
    expect(renamed).toMatchObject({ name: newName, notes: null, goal: null, status: 'ACTIVE', startDate: '2026-04-01', endDate: '2026-06-30' });
    const read = (await data(READ_PROTOCOL, { id: created.id })).protocol;
    expect(read).toMatchObject({ name: newName, notes: null, goal: null, status: 'ACTIVE', endDate: '2026-06-30' });
    expect(read.items).toHaveLength(1);
    const updatedEvents = await events(UPDATE, 'PROTOCOL_UPDATED');
    expect(updatedEvents.totalCount).toBe(updatedCount + 1);
    expect(updatedEvents.edges[0].node.title).toBe(`Protocol "${newName}" updated`);
    expect((await events(UPDATE, 'PROTOCOL_STARTED')).totalCount).toBe(started + 1);
  });

  it('refuses an update that names nothing, ends before the stored start, or names an unknown protocol', async () => {
    const created = await createProtocol(UPDATE, { startDate: '2026-05-10' });
    const UPDATE_PROTOCOL = 'mutation($id: ID!, $input: ProtocolUpdateInput!) { updateProtocol(id: $id, input: $input) { id endDate } }';
    expectBadInput(await ask(UPDATE_PROTOCOL, { id: created.id, input: {} }), 'input');
    expectBadInput(await ask(UPDATE_PROTOCOL, { id: created.id, input: { endDate: '2026-05-09' } }), 'input.endDate');
    expectBadInput(await ask(UPDATE_PROTOCOL, { id: created.id, input: { name: ' ' } }), 'input.name');
    expect((await data(READ_PROTOCOL, { id: created.id })).protocol).toMatchObject({ name: created.name, endDate: null });
    expectNotFound(await ask(UPDATE_PROTOCOL, { id: MISSING_ID, input: { name: 'x' } }));
    expectBadInput(await ask(UPDATE_PROTOCOL, { id: 'nope', input: { name: 'x' } }), 'id');
  });

  it('adds, updates and removes items, keeping positions unique and in order', async () => {
    const created = await createProtocol(ITEMS, { items: [item(peptides[0].id), item(peptides[1].id), item(peptides[0].id, { doseAmount: 500 })] });
    const ADD = `mutation($protocolId: ID!, $input: ProtocolItemInput!) { addProtocolItem(protocolId: $protocolId, input: $input) { ${ITEM_FIELDS} } }`;
    const added = (await data(ADD, { protocolId: created.id, input: item(peptides[1].id, { doseAmount: 0.3, doseUnit: 'mg', frequency: 'daily', route: 'oral' }) }))
      .addProtocolItem;
    expect(added).toMatchObject({ peptide: peptides[1], doseAmount: 0.3, doseUnit: 'mg', frequency: 'daily', route: 'oral', position: 3 });

    const UPDATE_ITEM = `mutation($id: ID!, $input: ProtocolItemUpdateInput!) { updateProtocolItem(id: $id, input: $input) { ${ITEM_FIELDS} } }`;
    const updated = (await data(UPDATE_ITEM, { id: added.id, input: { doseAmount: 0.4, timing: 'evening', notes: 'With food' } })).updateProtocolItem;
    expect(updated).toMatchObject({ id: added.id, doseAmount: 0.4, doseUnit: 'mg', timing: 'evening', notes: 'With food', position: 3 });

    // Removing the second item, then adding one: the new item goes after every remaining one.
    const second = created.items[1].id;
    expect((await data('mutation($id: ID!) { removeProtocolItem(id: $id) }', { id: second })).removeProtocolItem).toBe(second);
    const appended = (await data(ADD, { protocolId: created.id, input: item(peptides[0].id, { doseAmount: 200 }) })).addProtocolItem;

    const items = (await data(READ_PROTOCOL, { id: created.id })).protocol.items;
    expect(items.map((i: any) => [i.id, i.doseAmount])).toEqual([
      [created.items[0].id, 250],
      [created.items[2].id, 500],
      [added.id, 0.4],
      [appended.id, 200],
    ]);
    const positions = items.map((i: any) => i.position);
    expect(new Set(positions).size).toBe(positions.length);
    expect(positions).toEqual([...positions].sort((a: number, b: number) => a - b));
    expect(items[3].timing).toBeNull();
    expect(items[2]).toMatchObject({ timing: 'evening', notes: 'With food', peptide: peptides[1] });

    // Errors name the argument; unknown ids are NOT_FOUND.
    expectBadInput(await ask(ADD, { protocolId: created.id, input: item(MISSING_ID) }), 'input.peptideId');
    expectBadInput(await ask(ADD, { protocolId: created.id, input: item(peptides[0].id, { doseUnit: 'cups' }) }), 'input.doseUnit');
    expectBadInput(await ask(ADD, { protocolId: 'nope', input: item(peptides[0].id) }), 'protocolId');
    expectNotFound(await ask(ADD, { protocolId: MISSING_ID, input: item(peptides[0].id) }));
    expectBadInput(await ask(UPDATE_ITEM, { id: added.id, input: {} }), 'input');
    expectBadInput(await ask(UPDATE_ITEM, { id: added.id, input: { doseAmount: -1 } }), 'input.doseAmount');
    expectBadInput(await ask(UPDATE_ITEM, { id: added.id, input: { route: 'ear' } }), 'input.route');
    expectBadInput(await ask(UPDATE_ITEM, { id: added.id, input: { position: -1 } }), 'input.position');
    expectNotFound(await ask(UPDATE_ITEM, { id: MISSING_ID, input: { doseAmount: 1 } }));
    expectNotFound(await ask('mutation($id: ID!) { removeProtocolItem(id: $id) }', { id: second }));
    expectBadInput(await ask('mutation { removeProtocolItem(id: "nope") }'), 'id');
    expect((await data(READ_PROTOCOL, { id: created.id })).protocol.items).toHaveLength(4);
  });

  it('deletes a protocol with its items', async () => {
    const created = await createProtocol(DELETE, { items: [item(peptides[0].id)] });
    expect(await patientProtocols(DELETE)).toContain(created.id);
    expect((await data('mutation($id: ID!) { deleteProtocol(id: $id) }', { id: created.id })).deleteProtocol).toBe(created.id);
    expectNotFound(await ask('query($id: ID!) { protocol(id: $id) { id } }', { id: created.id }));
    expect(await patientProtocols(DELETE)).not.toContain(created.id);
    expectNotFound(await ask('mutation($id: ID!) { updateProtocolItem(id: $id, input: { doseAmount: 1 }) { id } }', { id: created.items[0].id }));
    expectNotFound(await ask('mutation($id: ID!) { deleteProtocol(id: $id) }', { id: created.id }));
  });
});

describe('protocols: stacks', () => {
  const CREATE_STACK = `mutation($patientId: ID!, $input: ProtocolStackInput!) {
    createProtocolStack(patientId: $patientId, input: $input) { id name description active createdAt items { id peptide { id name } dose frequency position } }
  }`;
  const STACKS_OF = 'query($id: ID!) { patient(id: $id) { protocolStacks { id name description active items { peptide { id name } dose frequency position } } } }';

  it('creates a stack read back at Patient.protocolStacks, newest first, and deletes it', async () => {
    const name = unique('Stack');
    const created = (
      await data(CREATE_STACK, {
        patientId: STACKS,
        input: {
          name,
          description: 'Morning stack',
          items: [
            { peptideId: peptides[1].id, dose: '250 mcg', frequency: 'daily' },
            { peptideId: peptides[0].id, dose: '2 mg', frequency: 'weekly' },
          ],
        },
      })
    ).createProtocolStack;
    const expected = {
      id: created.id,
      name,
      description: 'Morning stack',
      active: true,
      items: [
        { peptide: peptides[1], dose: '250 mcg', frequency: 'daily', position: 0 },
        { peptide: peptides[0], dose: '2 mg', frequency: 'weekly', position: 1 },
      ],
    };
    const stacks = (await data(STACKS_OF, { id: STACKS })).patient.protocolStacks;
    expect(stacks[0]).toEqual(expected);

    expect((await data('mutation($id: ID!) { deleteProtocolStack(id: $id) }', { id: created.id })).deleteProtocolStack).toBe(created.id);
    const after = (await data(STACKS_OF, { id: STACKS })).patient.protocolStacks;
    expect(after.map((s: any) => s.id)).not.toContain(created.id);
    expectNotFound(await ask('mutation($id: ID!) { deleteProtocolStack(id: $id) }', { id: created.id }));
    expectBadInput(await ask('mutation { deleteProtocolStack(id: "nope") }'), 'id');
  });

  it('refuses an empty stack, an unknown peptide, a blank dose or an unknown patient', async () => {
    const before = (await data(STACKS_OF, { id: STACKS })).patient.protocolStacks.length;
    const ok = { peptideId: peptides[0].id, dose: '1 mg', frequency: 'daily' };
    const cases: [Record<string, unknown>[], string][] = [
      [[], 'input.items'],
      [[ok, { ...ok, peptideId: MISSING_ID }], 'input.items[1].peptideId'],
      [[{ ...ok, peptideId: MISSING_ID }], 'input.items[0].peptideId'],
      [[{ ...ok, dose: ' ' }], 'input.items[0].dose'],
      [[{ ...ok, frequency: '' }], 'input.items[0].frequency'],
    ];
    for (const [items, argument] of cases) {
      expectBadInput(await ask(CREATE_STACK, { patientId: STACKS, input: { name: unique('Bad stack'), items } }), argument);
    }
    expectBadInput(await ask(CREATE_STACK, { patientId: STACKS, input: { name: '  ', items: [ok] } }), 'input.name');
    expectNotFound(await ask(CREATE_STACK, { patientId: MISSING_ID, input: { name: 'x', items: [ok] } }));
    expect((await data(STACKS_OF, { id: STACKS })).patient.protocolStacks).toHaveLength(before);
  });
});
