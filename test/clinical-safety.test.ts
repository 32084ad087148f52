// Clinical checks on protocol writes, through the gateway: doses against the catalog's ranges
// (converted with UCUM), frequencies, routes and daily totals; contraindications against the
// patient's record; overrides by providers only, with a reason, stored on the item and audited;
// checkContraindications answering the same without writing; and the catalog's rules owned and
// edited by content, applied at once after an edit.
import { randomUUID } from 'node:crypto';
import { authHeaders } from './support/auth';
import { codes, gql, type GraphQLResponse } from './support/graphql';
import { seededPatients, type SeededPatient } from './support/patients';

const PROTOCOL = `id items { id doseAmount doseUnit frequency
  findings { rule limit value source overridden overridable }
  override { reason overriddenBy overriddenAt findings { rule limit value source overridden } } }`;
const CREATE = `mutation($p: ID!, $input: ProtocolInput!) { createProtocol(patientId: $p, input: $input) { ${PROTOCOL} } }`;
const CHECK = `query($p: ID!, $items: [ProtocolItemInput!]!) { checkContraindications(patientId: $p, items: $items) { item rule limit value source overridable overridden } }`;
const PROTOCOLS_OF = 'query($id: ID!) { patient(id: $id) { protocols { id } } }';

let admin: Record<string, string>;
let provider: Record<string, string>;
const peptide: Record<string, string> = {};
/** A patient with type 2 diabetes (growth-hormone secretagogues are contraindicated), and one with no condition or medication at all. */
let diabetic: SeededPatient;
let plain: SeededPatient;

const as = (headers: Record<string, string>) => (query: string, variables: Record<string, unknown> = {}, extra: Record<string, string> = {}) =>
  gql(query, variables, { headers: { ...headers, ...extra } });
const must = async (response: Promise<GraphQLResponse>) => {
  const answer = await response;
  expect(answer.errors ?? []).toEqual([]);
  return answer.data as any;
};
const protocolIds = async (patientId: string) => (await must(as(admin)(PROTOCOLS_OF, { id: patientId }))).patient.protocols.map((p: { id: string }) => p.id).sort();
const findingsOf = (response: GraphQLResponse) => response.errors![0].extensions!.findings as any[];
const item = (slug: string, extra: Record<string, unknown> = {}) => ({ peptideId: peptide[slug], doseAmount: 200, doseUnit: 'mcg', frequency: '5x weekly', ...extra });
const REASON = 'HbA1c 6.1% on metformin; glucose followed weekly on CGM by Dr. Kapoor';

beforeAll(async () => {
  admin = await authHeaders('admin');
  provider = await authHeaders('provider');
  for (const slug of ['ipamorelin', 'bpc-157', 'semaglutide', 'pt-141']) peptide[slug] = (await must(as(admin)(`{ peptide(slug: "${slug}") { id } }`))).peptide.id;
  // Patients 60-120 are this file's (no other test writes to them).
  const patients = await seededPatients(admin, 60, 120);
  diabetic = patients.find((p) => p.conditions.includes('Type 2 diabetes'))!;
  plain = patients.find((p) => p.conditions.length === 0 && p.medications.length === 0)!;
  expect(diabetic && plain).toBeTruthy();
});

describe('protocol writes are checked against the catalog and the patient', () => {
  it('refuses Ipamorelin 90,000 mg daily for a patient with type 2 diabetes, naming each finding with its limit, value and source, and writes nothing', async () => {
    const before = await protocolIds(diabetic.id);
    const response = await as(provider)(CREATE, { p: diabetic.id, input: { name: 'GH support', status: 'ACTIVE', items: [item('ipamorelin', { doseAmount: 90_000, doseUnit: 'mg', frequency: 'daily' })] } });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.data).toBeNull();
    expect(response.errors![0].extensions!.argument).toBe('input.items');
    const findings = findingsOf(response);
    expect(findings.map((f) => f.rule).sort()).toEqual(['CONTRAINDICATED_CONDITION', 'DAILY_DOSE_ABOVE_MAXIMUM', 'DOSE_ABOVE_MAXIMUM']);
    expect(findings.find((f) => f.rule === 'DOSE_ABOVE_MAXIMUM')).toMatchObject({ argument: 'input.items[0]', item: 0, peptideId: peptide.ipamorelin, limit: '300 mcg', value: '90000 mg', overridable: true });
    expect(findings.find((f) => f.rule === 'DOSE_ABOVE_MAXIMUM').message).toContain('90000000 mcg');
    expect(findings.find((f) => f.rule === 'CONTRAINDICATED_CONDITION')).toMatchObject({ limit: 'diabetes', value: 'Type 2 diabetes' });
    for (const finding of findings) expect(finding.source).toMatch(/\w{5,}/);
    expect(await protocolIds(diabetic.id)).toEqual(before);
  });

  it('converts units with UCUM: 0.2 mg is the 200 mcg the range allows, 0.5 mg is above it', async () => {
    const ok = await must(as(provider)(CREATE, { p: plain.id, input: { name: 'Sleep', items: [item('ipamorelin', { doseAmount: 0.2, doseUnit: 'mg' })] } }));
    expect(ok.createProtocol.items[0]).toMatchObject({ doseAmount: 0.2, doseUnit: 'mg', findings: [] });
    const high = await as(provider)(CREATE, { p: plain.id, input: { name: 'Sleep', items: [item('ipamorelin', { doseAmount: 0.5, doseUnit: 'mg' })] } });
    expect(findingsOf(high).map((f) => [f.rule, f.limit, f.value])).toEqual([['DOSE_ABOVE_MAXIMUM', '300 mcg', '0.5 mg']]);
    // IU cannot be related to a range in mcg: the dose is refused and cannot be overridden.
    const iu = await as(provider)(CREATE, {
      p: plain.id,
      input: { name: 'Sleep', items: [item('ipamorelin', { doseAmount: 200, doseUnit: 'IU', override: { findings: ['DOSE_UNIT_INCOMPATIBLE'], reason: REASON } })] },
    });
    expect(findingsOf(iu).map((f) => [f.rule, f.overridable])).toEqual([['DOSE_UNIT_INCOMPATIBLE', false]]);
    expect(iu.errors![0].message).toContain('must be corrected');
  });

  it('checks frequency, route and the daily total of items together', async () => {
    const response = await as(provider)(CREATE, {
      p: plain.id,
      input: {
        name: 'Repair',
        items: [
          item('bpc-157', { doseAmount: 400, frequency: 'twice daily' }),
          item('bpc-157', { doseAmount: 300, frequency: 'daily', route: 'intranasal' }),
          item('ipamorelin', { frequency: 'weekly' }),
        ],
      },
    });
    expect(findingsOf(response).map((f) => [f.item, f.rule, f.value])).toEqual([
      [1, 'ROUTE_NOT_ALLOWED', 'intranasal'],
      [1, 'DAILY_DOSE_ABOVE_MAXIMUM', '1100 mcg'],
      [2, 'FREQUENCY_NOT_ALLOWED', 'weekly'],
    ]);
    // A frequency that reads as nothing is the client's mistake before any check.
    const unreadable = await as(provider)(CREATE, { p: plain.id, input: { name: 'Repair', items: [item('bpc-157', { frequency: 'every full moon' })] } });
    expect(codes(unreadable)).toEqual(['BAD_USER_INPUT']);
    expect(unreadable.errors![0].extensions!.argument).toBe('input.items[0].frequency');
  });

  it("refuses a contraindicated peptide, then accepts it with a provider's override and reason, shown on the item and in the audit trail", async () => {
    const input = (extra: Record<string, unknown> = {}) => ({ name: 'GH support', items: [item('ipamorelin', extra)] });
    const refused = await as(provider)(CREATE, { p: diabetic.id, input: input() });
    expect(findingsOf(refused).map((f) => [f.rule, f.value])).toEqual([['CONTRAINDICATED_CONDITION', 'Type 2 diabetes']]);

    const requestId = `override-${randomUUID()}`;
    const created = (await must(as(provider)(CREATE, { p: diabetic.id, input: input({ override: { findings: ['CONTRAINDICATED_CONDITION'], reason: REASON } }) }, { 'x-request-id': requestId }))).createProtocol;
    const [stored] = created.items;
    expect(stored.override).toMatchObject({ reason: REASON, overriddenBy: 'user_test_provider', findings: [{ rule: 'CONTRAINDICATED_CONDITION', limit: 'diabetes', value: 'Type 2 diabetes', overridden: true }] });
    expect(stored.override.findings[0].source).toContain('Egrifta');
    expect(Date.now() - Date.parse(stored.override.overriddenAt)).toBeLessThan(60_000);
    expect(stored.findings).toEqual([expect.objectContaining({ rule: 'CONTRAINDICATED_CONDITION', overridden: true })]);
    // Read back, and with unresolvedOnly nothing is left.
    const read = await must(as(admin)(`query($id: ID!) { protocol(id: $id) { items { findings(unresolvedOnly: true) { rule } override { reason } } } }`, { id: created.id }));
    expect(read.protocol.items[0]).toEqual({ findings: [], override: { reason: REASON } });

    const audit = await must(
      as(admin)('query($r: String!) { auditLog(filter: { correlationId: $r }, first: 20) { edges { node { resource action decision actorRole patientId } } } }', { r: requestId }),
    );
    expect(audit.auditLog.edges.map((e: any) => e.node)).toContainEqual({ resource: 'clinical_overrides', action: 'create', decision: 'ALLOW', actorRole: 'provider', patientId: diabetic.id });
  });

  it('lets no one but a provider override: a customer, support, staff and even an admin are refused, audited, and nothing is written', async () => {
    const before = await protocolIds(diabetic.id);
    const override = { findings: ['CONTRAINDICATED_CONDITION'], reason: REASON };
    for (const role of ['customer', 'support', 'staff', 'admin'] as const) {
      const headers = await authHeaders(role, { patientIndex: diabetic.index });
      const requestId = `override-${role}-${randomUUID()}`;
      const response = await as(headers)(CREATE, { p: diabetic.id, input: { name: 'GH', items: [item('ipamorelin', { override })] } }, { 'x-request-id': requestId });
      expect(codes(response)).toEqual(['FORBIDDEN']);
      expect(response.data).toBeNull();
      const audit = await must(as(admin)('query($r: String!) { auditLog(filter: { correlationId: $r }, first: 20) { edges { node { resource decision } } } }', { r: requestId }));
      const denied = audit.auditLog.edges.map((e: any) => e.node).filter((n: any) => n.decision === 'DENY');
      // Customers and support may not write protocols at all; staff and admins may, but not override.
      expect(denied[0].resource).toBe(role === 'customer' || role === 'support' ? 'protocols' : 'clinical_overrides');
    }
    expect(await protocolIds(diabetic.id)).toEqual(before);
  });

  it('refuses an override without a reason of substance, of a finding the item does not have, or of only part of its findings', async () => {
    const before = await protocolIds(diabetic.id);
    const attempt = (override: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      as(provider)(CREATE, { p: diabetic.id, input: { name: 'GH', items: [item('ipamorelin', { ...extra, override })] } });
    for (const reason of ['ok', 'fine by me', '   ', 'x'.repeat(30), 'a b c d e f g h i j']) {
      const response = await attempt({ findings: ['CONTRAINDICATED_CONDITION'], reason });
      expect(codes(response)).toEqual(['BAD_USER_INPUT']);
      expect(response.errors![0].extensions!.argument).toBe('input.items[0].override.reason');
    }
    const stray = await attempt({ findings: ['DOSE_ABOVE_MAXIMUM'], reason: REASON });
    expect(stray.errors![0].extensions!.argument).toBe('input.items[0].override.findings');
    expect(stray.errors![0].message).toContain('CONTRAINDICATED_CONDITION');
    const partial = await attempt({ findings: ['CONTRAINDICATED_CONDITION'], reason: REASON }, { doseAmount: 400 });
    expect(findingsOf(partial).map((f) => f.rule)).toEqual(['DOSE_ABOVE_MAXIMUM']);
    const empty = await attempt({ findings: [], reason: REASON });
    expect(empty.errors![0].extensions!.argument).toBe('input.items[0].override.findings');
    expect(await protocolIds(diabetic.id)).toEqual(before);
  });

  it("keeps an item's override only while its findings stay exactly those overridden", async () => {
    const created = (
      await must(as(provider)(CREATE, { p: diabetic.id, input: { name: 'GH', items: [item('ipamorelin', { override: { findings: ['CONTRAINDICATED_CONDITION'], reason: REASON } })] } }))
    ).createProtocol;
    const id = created.items[0].id;
    const UPDATE = `mutation($id: ID!, $input: ProtocolItemUpdateInput!) { updateProtocolItem(id: $id, input: $input) { doseAmount notes findings { rule overridden } override { reason } } }`;
    // A change to what is taken, still within range: the same finding, still overridden.
    expect((await must(as(provider)(UPDATE, { id, input: { doseAmount: 250 } }))).updateProtocolItem).toMatchObject({ doseAmount: 250, override: { reason: REASON } });
    // A new finding needs its own override; nothing changes meanwhile.
    const refused = await as(provider)(UPDATE, { id, input: { doseAmount: 600 } });
    expect(findingsOf(refused).map((f) => f.rule)).toEqual(['DOSE_ABOVE_MAXIMUM']);
    const after = await must(as(admin)('query($id: ID!) { protocol(id: $id) { items { doseAmount } } }', { id: created.id }));
    expect(after.protocol.items[0].doseAmount).toBe(250);
    // Notes change nothing clinical: not checked again (staff may).
    expect((await must(as(admin)(UPDATE, { id, input: { notes: 'Inject before bed' } }))).updateProtocolItem.notes).toBe('Inject before bed');
  });
});

describe('checkContraindications', () => {
  it('answers the findings a write would meet without writing, and marks what an override would cover', async () => {
    const before = await protocolIds(diabetic.id);
    const items = [item('ipamorelin', { doseAmount: 90_000, doseUnit: 'mg', frequency: 'daily' }), item('bpc-157', { doseAmount: 250, frequency: 'daily' })];
    const answer = (await must(as(provider)(CHECK, { p: diabetic.id, items }))).checkContraindications;
    expect(answer.map((f: any) => [f.item, f.rule, f.overridden])).toEqual([
      [0, 'DOSE_ABOVE_MAXIMUM', false],
      [0, 'CONTRAINDICATED_CONDITION', false],
      [0, 'DAILY_DOSE_ABOVE_MAXIMUM', false],
    ]);
    const overridden = (await must(as(provider)(CHECK, { p: diabetic.id, items: [item('ipamorelin', { override: { findings: ['CONTRAINDICATED_CONDITION'], reason: REASON } })] }))).checkContraindications;
    expect(overridden).toEqual([expect.objectContaining({ rule: 'CONTRAINDICATED_CONDITION', overridden: true })]);
    expect(await protocolIds(diabetic.id)).toEqual(before);
  });

  it("refuses a customer another patient's check, and bad input with a clear error", async () => {
    const customer = await authHeaders('customer', { patientIndex: plain.index });
    expect(codes(await as(customer)(CHECK, { p: diabetic.id, items: [item('ipamorelin')] }))).toEqual(['FORBIDDEN']);
    expect(codes(await as(provider)(CHECK, { p: diabetic.id, items: [] }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await as(provider)(CHECK, { p: 'nope', items: [item('ipamorelin')] }))).toEqual(['BAD_USER_INPUT']);
    const unknown = await as(provider)(CHECK, { p: diabetic.id, items: [item('ipamorelin', { peptideId: randomUUID() })] });
    expect(unknown.errors![0].extensions!.argument).toBe('items[0].peptideId');
    expect(codes(await as(provider)(CHECK, { p: randomUUID(), items: [item('ipamorelin')] }))).toEqual(['NOT_FOUND']);
  });
});

describe("the catalog's clinical rules are content's, edited by admin and staff", () => {
  const DOSING = 'mutation($id: ID!, $input: PeptideDosingInput!) { updatePeptideDosing(peptideId: $id, input: $input) { dosing { maxDose updatedAt } } }';
  const bpc = { doseUnit: 'mcg', minDose: 100, maxDose: 500, maxDailyDose: 1000, routes: ['subcutaneous', 'oral'], frequencies: ['daily', '2x daily'] };

  it('applies an edited range at once: an item written in range shows the new finding, unresolved', async () => {
    const created = (await must(as(provider)(CREATE, { p: plain.id, input: { name: 'Repair', items: [item('bpc-157', { doseAmount: 450, frequency: 'daily' })] } }))).createProtocol;
    expect(created.items[0].findings).toEqual([]);
    const { source } = (await must(as(admin)(`{ peptide(slug: "bpc-157") { dosing { source } } }`))).peptide.dosing;
    try {
      await must(as(admin)(DOSING, { id: peptide['bpc-157'], input: { ...bpc, maxDose: 400, source } }));
      const read = await must(as(admin)('query($id: ID!) { protocol(id: $id) { items { findings(unresolvedOnly: true) { rule limit value } } } }', { id: created.id }));
      expect(read.protocol.items[0].findings).toEqual([{ rule: 'DOSE_ABOVE_MAXIMUM', limit: '400 mcg', value: '450 mcg' }]);
    } finally {
      await must(as(admin)(DOSING, { id: peptide['bpc-157'], input: { ...bpc, source } }));
    }
  });

  it('validates editors’ input, refuses other roles, and writes nothing on a mistake', async () => {
    const before = (await must(as(admin)(`{ peptide(slug: "bpc-157") { dosing { maxDose source } contraindications { id } } }`))).peptide;
    const source = before.dosing.source;
    const bad: [Record<string, unknown>, string][] = [
      [{ ...bpc, source, doseUnit: 'mL' }, 'input.doseUnit'],
      [{ ...bpc, source, maxDose: 50 }, 'input.maxDose'],
      [{ ...bpc, source, maxDailyDose: 300 }, 'input.maxDailyDose'],
      [{ ...bpc, source, frequencies: ['whenever'] }, 'input.frequencies'],
      [{ ...bpc, source, routes: [] }, 'input.routes'],
      [{ ...bpc, source: '' }, 'input.source'],
      [{ ...bpc, source, minDose: -1 }, 'input.minDose'],
    ];
    for (const [input, argument] of bad) {
      const response = await as(admin)(DOSING, { id: peptide['bpc-157'], input });
      expect([codes(response), response.errors![0].extensions!.argument]).toEqual([['BAD_USER_INPUT'], argument]);
    }
    const RULE = 'mutation($id: ID!, $input: ContraindicationRuleInput!) { createPeptideContraindication(peptideId: $id, input: $input) { id } }';
    const noCriterion = await as(admin)(RULE, { id: peptide['bpc-157'], input: { reason: 'Because of reasons', source: 'A source' } });
    expect(noCriterion.errors![0].extensions!.argument).toBe('input');
    expect(codes(await as(admin)(RULE, { id: peptide['bpc-157'], input: { sexes: ['OTHER'], reason: 'Because of reasons', source: 'A source' } }))).toEqual(['BAD_USER_INPUT']);
    for (const role of ['provider', 'customer'] as const) {
      expect(codes(await as(await authHeaders(role))(DOSING, { id: peptide['bpc-157'], input: { ...bpc, source, maxDose: 5 } }))).toEqual(['FORBIDDEN']);
    }
    expect(codes(await gql(DOSING, { id: peptide['bpc-157'], input: { ...bpc, source } }))).toEqual(['UNAUTHENTICATED']);
    const after = (await must(as(admin)(`{ peptide(slug: "bpc-157") { dosing { maxDose source } contraindications { id } } }`))).peptide;
    expect(after).toEqual(before);
  });

  it('adds a contraindication rule that protocol writes meet at once, and removes it', async () => {
    const RULE = 'mutation($id: ID!, $input: ContraindicationRuleInput!) { createPeptideContraindication(peptideId: $id, input: $input) { id conditions sexes } }';
    const rule = (await must(as(await authHeaders('staff'))(RULE, { id: peptide['bpc-157'], input: { conditions: [' Osteoarthritis '], reason: 'Test rule for this suite', source: 'Test suite, no clinical meaning' } })))
      .createPeptideContraindication;
    try {
      expect(rule.conditions).toEqual(['osteoarthritis']);
      const patient = { ...plain, conditions: ['Osteoarthritis'] };
      const items = [item('bpc-157', { doseAmount: 250, frequency: 'daily' })];
      await must(as(admin)('mutation($id: ID!) { updatePatientProfile(id: $id, input: { conditions: ["Osteoarthritis"] }) { id } }', { id: patient.id }));
      const answer = (await must(as(provider)(CHECK, { p: patient.id, items }))).checkContraindications;
      expect(answer).toEqual([expect.objectContaining({ rule: 'CONTRAINDICATED_CONDITION', limit: 'osteoarthritis', value: 'Osteoarthritis', source: 'Test suite, no clinical meaning' })]);
    } finally {
      await must(as(admin)('mutation($id: ID!) { deletePeptideContraindication(id: $id) }', { id: rule.id }));
      await must(as(admin)('mutation($id: ID!) { updatePatientProfile(id: $id, input: { conditions: [] }) { id } }', { id: plain.id }));
    }
    expect((await must(as(provider)(CHECK, { p: plain.id, items: [item('bpc-157', { doseAmount: 250, frequency: 'daily' })] }))).checkContraindications).toEqual([]);
    expect(codes(await as(admin)('mutation($id: ID!) { deletePeptideContraindication(id: $id) }', { id: rule.id }))).toEqual(['NOT_FOUND']);
  });
});

describe('attacks on the clinical checks get clear errors, write nothing, and leave the graph serving', () => {
  it('refuses oversized and malformed input', async () => {
    const before = await protocolIds(plain.id);
    const many = Array.from({ length: 21 }, () => item('bpc-157', { doseAmount: 250, frequency: 'daily' }));
    const tooMany = await as(provider)(CREATE, { p: plain.id, input: { name: 'Many', items: many } });
    expect([codes(tooMany), tooMany.errors![0].extensions!.argument]).toEqual([['BAD_USER_INPUT'], 'input.items']);
    const essay = await as(provider)(CREATE, {
      p: diabetic.id,
      input: { name: 'GH', items: [item('ipamorelin', { override: { findings: ['CONTRAINDICATED_CONDITION'], reason: 'A clinical reason repeated. '.repeat(200) } })] },
    });
    expect(essay.errors![0].extensions!.argument).toBe('input.items[0].override.reason');
    const negative = await as(provider)(CREATE, { p: plain.id, input: { name: 'Neg', items: [item('bpc-157', { doseAmount: -250 })] } });
    expect(negative.errors![0].extensions!.argument).toBe('input.items[0].doseAmount');
    const unknownRule = await as(provider)(CREATE, { p: plain.id, input: { name: 'X', items: [item('bpc-157', { override: { findings: ['ANYTHING_GOES'], reason: REASON } })] } });
    expect(codes(unknownRule)).toEqual(['BAD_USER_INPUT']);
    expect(await protocolIds(plain.id)).toEqual(before);

    const RULES = 'query($ids: [ID!]) { peptideClinicalRules(peptideIds: $ids) { peptideId } }';
    const tooManyIds = await gql(RULES, { ids: Array.from({ length: 101 }, () => randomUUID()) });
    expect([codes(tooManyIds), tooManyIds.errors![0].extensions!.argument]).toEqual([['BAD_USER_INPUT'], 'peptideIds']);
    const malformed = await gql(RULES, { ids: [peptide.ipamorelin, "1' OR '1'='1"] });
    expect([codes(malformed), malformed.errors![0].extensions!.argument]).toEqual([['BAD_USER_INPUT'], 'peptideIds[1]']);
    // Public reference data: readable without a token, drafts included by id, unknown ids absent.
    const read = await gql(RULES, { ids: [peptide.ipamorelin, randomUUID()] });
    expect(read.data!.peptideClinicalRules).toEqual([{ peptideId: peptide.ipamorelin }]);

    expect((await gql('{ __typename }')).data).toEqual({ __typename: 'Query' });
  });
});
