// The fault suite's stack, in multi-process mode as docker-compose runs it: one process for the
// gateway, one for the wearables subgraph (the one the suite kills with SIGKILL and restarts),
// one for the other subgraphs. PostgreSQL, Redis and the wearables subgraph are reached through
// TCP proxies (test/support/tcp-proxy.ts), where the faults are injected.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { ROOT, waitFor } from '../../support/stack';

export interface ServiceProcess {
  name: string;
  child: ChildProcess;
  /** SIGKILL, no goodbye: what an OOM kill or a crashed node does. */
  kill9(): Promise<void>;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<number | null>;
}

export function spawnService(name: string, env: NodeJS.ProcessEnv, services: string[]): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bin/start.ts'), ...services.flatMap((service) => ['--service', service])], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    name,
    child,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export async function waitReady(url: string, service: ServiceProcess, timeoutMs = 240_000): Promise<void> {
  await waitFor(url, timeoutMs, service.child);
}

/** `url` with its host and port replaced by the proxy's. */
export function throughProxy(url: string, port: number): string {
  const parsed = new URL(url);
  parsed.host = `127.0.0.1:${port}`;
  return parsed.toString();
}
