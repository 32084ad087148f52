// Tokens for tests, signed by the test stack's dev issuer (its key is in the stack's data folder).
import type { Role } from '../../shared/auth/caller';
import { signDevToken } from '../../shared/auth/dev-issuer';
import { seededPatientId, seededUserId } from '../../prisma/seed/identities';

export function testDataDir(): string {
  const dir = process.env.TEST_DATA_DIR;
  if (!dir) throw new Error('TEST_DATA_DIR is not set: tests run under jest with test/support/global-setup.ts');
  return dir;
}

export async function tokenFor(role: Role, options: { sub?: string; ttl?: string; patientIndex?: number } = {}): Promise<string> {
  const sub = options.sub ?? (role === 'customer' ? seededUserId(options.patientIndex ?? 1) : `user_test_${role}`);
  return signDevToken(testDataDir(), { sub, role, ttl: options.ttl });
}

export async function authHeaders(role: Role, options: { sub?: string; ttl?: string; patientIndex?: number } = {}): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor(role, options)}` };
}

/** The patient record a seeded customer (by 1-based index) owns. */
export { seededPatientId };
