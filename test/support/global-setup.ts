import { startStack } from './stack';

/** Ports of the test stack: away from a developer's running instance on 4000-4006. */
export const TEST_PORT_BASE = Number(process.env.TEST_PORT_BASE ?? 4400);

export default async function globalSetup(): Promise<void> {
  const stack = await startStack({ portBase: TEST_PORT_BASE });
  (globalThis as { __LOOP_STACK__?: unknown }).__LOOP_STACK__ = stack;
  // Test workers inherit the environment, not globals.
  process.env.GATEWAY_URL = stack.gatewayUrl;
  process.env.TEST_PORT_BASE = String(TEST_PORT_BASE);
  process.env.TEST_DATA_DIR = stack.env.DATA_DIR;
  if (stack.env.DATABASE_URL) process.env.TEST_DATABASE_URL = stack.env.DATABASE_URL;
  if (stack.env.DATABASE_OWNER_URL) process.env.TEST_DATABASE_OWNER_URL = stack.env.DATABASE_OWNER_URL;
}
