// Idempotency-Key on mutations, through the gateway to the real subgraphs: a retry with the same
// key gets the first result and writes nothing more; the same key with other variables is refused
// and writes nothing; keys are per principal; queries ignore them.
import { randomUUID } from 'node:crypto';
import { authHeaders, seededPatientId } from './support/auth';
import { gatewayUrl, gql } from './support/graphql';

const PATIENT = seededPatientId(12);
const CREATE = `mutation Create($p: ID!, $name: String!) { createProtocol(patientId: $p, input: { name: $name }) { id name } }`;
const NAMES = `query Names($p: ID!) { protocols(patientId: $p) { name } }`;

let admin: Record<string, string>;
let staff: Record<string, string>;
beforeAll(async () => {
  admin = await authHeaders('admin');
  staff = await authHeaders('staff');
});

const create = (name: string, headers: Record<string, string>, key?: string) =>
  gql<{ createProtocol: { id: string; name: string } }>(CREATE, { p: PATIENT, name }, { headers: key ? { ...headers, 'idempotency-key': key } : headers });

async function countNamed(name: string): Promise<number> {
  const response = await gql<{ protocols: { name: string }[] }>(NAMES, { p: PATIENT }, { headers: admin });
  expect(response.errors).toBeUndefined();
  return response.data!.protocols.filter((protocol) => protocol.name === name).length;
}

describe('Idempotency-Key on mutations', () => {
  it('answers a retry with the first result and writes once', async () => {
    const key = randomUUID();
    const name = `idem-${key}`;
    const first = await create(name, admin, key);
    expect(first.errors).toBeUndefined();
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const retry = await create(name, admin, key);
    expect(retry.errors).toBeUndefined();
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.data).toEqual(first.data);
    expect(await countNamed(name)).toBe(1);
  });

  it('takes the key from extensions.idempotencyKey too', async () => {
    const key = randomUUID();
    const name = `idem-ext-${key}`;
    const send = () =>
      fetch(`${gatewayUrl()}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body: JSON.stringify({ query: CREATE, variables: { p: PATIENT, name }, extensions: { idempotencyKey: key } }),
      }).then(async (response) => ({ replayed: response.headers.get('idempotent-replayed'), body: await response.json() }));
    const first = await send();
    const retry = await send();
    expect(first.body.errors).toBeUndefined();
    expect(retry.replayed).toBe('true');
    expect(retry.body.data.createProtocol.id).toBe(first.body.data.createProtocol.id);
    expect(await countNamed(name)).toBe(1);
  });

  it('refuses the same key with other variables (IDEMPOTENCY_KEY_REUSED) and writes nothing', async () => {
    const key = randomUUID();
    const first = await create(`idem-a-${key}`, admin, key);
    expect(first.errors).toBeUndefined();
    const other = await create(`idem-b-${key}`, admin, key);
    expect(other.status).toBe(422);
    expect(other.data ?? null).toBeNull();
    expect(other.errors).toHaveLength(1);
    expect(other.errors![0].extensions).toEqual({ code: 'IDEMPOTENCY_KEY_REUSED' });
    expect(JSON.stringify(other.errors)).not.toMatch(/stack|at \w+ \(/);
    expect(await countNamed(`idem-b-${key}`)).toBe(0);
    expect(await countNamed(`idem-a-${key}`)).toBe(1);
  });

  it('keeps keys per principal: another caller with the same key runs its own mutation', async () => {
    const key = randomUUID();
    const name = `idem-two-${key}`;
    const mine = await create(name, admin, key);
    const theirs = await create(name, staff, key);
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.data!.createProtocol.id).not.toBe(mine.data!.createProtocol.id);
    expect(await countNamed(name)).toBe(2);
  });

  it('runs two concurrent requests with one key once: the other is refused as in use or gets the same result', async () => {
    const key = randomUUID();
    const name = `idem-race-${key}`;
    const answers = await Promise.all([create(name, admin, key), create(name, admin, key), create(name, admin, key)]);
    const created = answers.filter((answer) => answer.data?.createProtocol);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((answer) => answer.data!.createProtocol.id)).size).toBe(1);
    for (const answer of answers.filter((answer) => !answer.data?.createProtocol)) {
      expect(answer.status).toBe(409);
      expect(answer.errors![0].extensions).toEqual({ code: 'IDEMPOTENCY_KEY_IN_USE' });
    }
    expect(await countNamed(name)).toBe(1);
  });

  it('ignores keys on queries', async () => {
    const key = randomUUID();
    const first = await gql(NAMES, { p: PATIENT }, { headers: { ...admin, 'idempotency-key': key } });
    const again = await gql(`query Other { me { id } }`, {}, { headers: { ...admin, 'idempotency-key': key } });
    expect(first.errors).toBeUndefined();
    expect(again.errors).toBeUndefined();
    expect(again.headers.get('idempotent-replayed')).toBeNull();
  });

  it('refuses a malformed key with BAD_USER_INPUT before anything runs', async () => {
    const name = `idem-bad-${randomUUID()}`;
    const response = await create(name, admin, 'x'.repeat(300));
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions).toEqual({ code: 'BAD_USER_INPUT' });
    expect(await countNamed(name)).toBe(0);
  });
});
