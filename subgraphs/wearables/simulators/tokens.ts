// The simulators' OAuth artefacts (authorization codes, access and refresh tokens) are signed,
// self-describing strings: they stay valid across a restart of the simulator, as a real
// vendor's do, without the simulator keeping any state. The secret is fixed on purpose: a
// simulator is a stand-in vendor on localhost and its tokens open nothing real.
import { createHmac, timingSafeEqual } from 'node:crypto';

const SECRET = 'loop-health-wearable-simulator';

export type TokenKind = 'code' | 'access' | 'refresh';

export function signToken(kind: TokenKind, claims: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const mac = createHmac('sha256', SECRET).update(`${kind}.${body}`).digest('base64url');
  return `sim_${kind}.${body}.${mac}`;
}

export function verifyToken<T extends Record<string, unknown>>(kind: TokenKind, token: string | undefined | null): T | null {
  const [prefix, body, mac] = (token ?? '').split('.');
  if (prefix !== `sim_${kind}` || !body || !mac) return null;
  const expected = createHmac('sha256', SECRET).update(`${kind}.${body}`).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}
