// Test helpers for the vendor simulators: where the test stack's simulators listen, their
// control API (faults, fixtures, revocation), and the browser's part of the OAuth flow.
import { PROVIDERS, SIMULATOR_PORT_OFFSET } from '../../config';
import type { LoggedRequest } from '../../simulators/server';

/** The test stack's simulator of `provider` (its ports move with the stack's PORT_BASE). */
export function stackSimulator(provider: string): string {
  const base = Number(process.env.TEST_PORT_BASE) + SIMULATOR_PORT_OFFSET;
  return `http://127.0.0.1:${base + PROVIDERS.indexOf(provider as never)}`;
}

export async function controlAccount(origin: string, user: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${origin}/__simulator/users/${encodeURIComponent(user)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`simulator control answered ${response.status}`);
}

export async function accountRequests(origin: string, user: string): Promise<LoggedRequest[]> {
  return ((await (await fetch(`${origin}/__simulator/users/${encodeURIComponent(user)}/requests`)).json()) as { requests: LoggedRequest[] }).requests;
}

/** What the browser does: open the authorization URL (as vendor account `login`) and follow it back. */
export async function approveAt(authorizationUrl: string, login: string): Promise<{ code: string; state: string; redirectedTo: string }> {
  const url = new URL(authorizationUrl);
  url.searchParams.set('login_hint', login);
  const response = await fetch(url, { redirect: 'manual' });
  expect(response.status).toBe(302);
  const back = new URL(response.headers.get('location')!);
  return { code: back.searchParams.get('code')!, state: back.searchParams.get('state')!, redirectedTo: `${back.origin}${back.pathname}` };
}

/** A vendor account name no other test (or run) uses. */
export const uniqueLogin = (label: string) => `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
