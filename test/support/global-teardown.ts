import type { Stack } from './stack';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __LOOP_STACK__?: Stack }).__LOOP_STACK__?.cleanup();
}
