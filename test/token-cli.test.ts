// `npm run token` as the README documents it, against the running test stack.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { seededPatientId, testDataDir } from './support/auth';
import { codes, gql } from './support/graphql';
import { ROOT, TSX } from './support/stack';

function token(...args: string[]): string {
  return execFileSync(TSX, [path.join(ROOT, 'scripts/token.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: testDataDir() },
    encoding: 'utf8',
  }).trim();
}

describe('npm run token', () => {
  it('mints a customer token linked to the given seeded patient', async () => {
    const jwt = token('--role', 'customer', '--patient', seededPatientId(7));
    const response = await gql('{ me { id } }', {}, { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.data!.me.id).toBe(seededPatientId(7));
  });

  it('mints a staff-role token that the graph accepts with that role', async () => {
    const jwt = token('--role', 'support', '--ttl', '5m');
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
    expect(payload.publicMetadata.adminRole).toBe('support');
    expect(payload.exp - payload.iat).toBe(300);
    const response = await gql('{ patients(first: 1) { edges { node { id } } } auditLog(first: 1) { edges { node { id } } } }', {}, { headers: { authorization: `Bearer ${jwt}` } });
    expect(response.data!.patients.edges).toHaveLength(1);
    expect(codes(response)).toEqual(['FORBIDDEN']);
  });

  it('refuses an unknown role', () => {
    expect(() => token('--role', 'root')).toThrow();
  });
});
