// Every setting the processes read, with its default named and explained once.
import path from 'node:path';

export const SERVICE_NAMES = ['patient', 'labs', 'protocols', 'wearables', 'content', 'luna'] as const;
export type SubgraphName = (typeof SERVICE_NAMES)[number];

/** Default ports: gateway 4000, subgraphs 4001..4006 in SERVICE_NAMES order (DESIGN.md). */
export const DEFAULT_GATEWAY_PORT = 4000;
export const DEFAULT_SUBGRAPH_PORTS: Record<SubgraphName, number> = {
  patient: 4001,
  labs: 4002,
  protocols: 4003,
  wearables: 4004,
  content: 4005,
  luna: 4006,
};

/** Where the embedded database (and, later, the dev signing key) lives when DATABASE_URL is unset. */
export const DEFAULT_DATA_DIR = '.data';

export const projectRoot = path.resolve(__dirname, '..');

function int(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got "${raw}"`);
  return value;
}

export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  gatewayPort: number;
  subgraphPorts: Record<SubgraphName, number>;
  /** The gateway's own GraphQL URL as background work reaches it (Luna's tools); `GATEWAY_URL` overrides. */
  gatewayUrl: string;
  /** Base URL per subgraph as the gateway reaches it; `SUBGRAPH_<NAME>_URL` overrides. */
  subgraphUrls: Record<SubgraphName, string>;
  databaseUrl: string | undefined;
  /** Redis for pub/sub across processes; unset = in-process events (one process only). */
  redisUrl: string | undefined;
  dataDir: string;
  /** Fill an empty database with the demo data set on start (off in production unless SEED=true). */
  seed: boolean;
  logLevel: string;
  /** Milliseconds the gateway waits for one subgraph request. */
  subgraphTimeoutMs: number;
  /** Pool size per process for a PostgreSQL server. */
  databasePoolSize: number;
  /** How long start-up keeps retrying an unreachable PostgreSQL server before exiting. */
  databaseConnectTimeoutMs: number;
}

export function loadConfig(): Config {
  const nodeEnv = process.env.NODE_ENV;
  const env = nodeEnv === 'production' ? 'production' : nodeEnv === 'test' ? 'test' : 'development';
  const host = process.env.HOST ?? '127.0.0.1';
  // PORT_BASE moves the whole set together (tests run beside a dev instance).
  const base = process.env.PORT_BASE ? int('PORT_BASE', DEFAULT_GATEWAY_PORT) : undefined;
  const subgraphPorts = Object.fromEntries(
    SERVICE_NAMES.map((name, i) => [
      name,
      int(`SUBGRAPH_${name.toUpperCase()}_PORT`, base !== undefined ? base + i + 1 : DEFAULT_SUBGRAPH_PORTS[name]),
    ]),
  ) as Record<SubgraphName, number>;
  const subgraphUrls = Object.fromEntries(
    SERVICE_NAMES.map((name) => [
      name,
      process.env[`SUBGRAPH_${name.toUpperCase()}_URL`] ?? `http://127.0.0.1:${subgraphPorts[name]}/graphql`,
    ]),
  ) as Record<SubgraphName, string>;
  const seedSetting = process.env.SEED;
  const gatewayPort = int('PORT', base ?? DEFAULT_GATEWAY_PORT);
  return {
    env,
    host,
    gatewayPort,
    gatewayUrl: process.env.GATEWAY_URL ?? `http://127.0.0.1:${gatewayPort}/graphql`,
    subgraphPorts,
    subgraphUrls,
    databaseUrl: process.env.DATABASE_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    dataDir: path.resolve(projectRoot, process.env.DATA_DIR ?? DEFAULT_DATA_DIR),
    seed: seedSetting ? seedSetting === 'true' || seedSetting === '1' : env !== 'production',
    logLevel: process.env.LOG_LEVEL ?? (env === 'test' ? 'warn' : 'info'),
    subgraphTimeoutMs: int('SUBGRAPH_TIMEOUT_MS', 10_000),
    databasePoolSize: int('DATABASE_POOL_SIZE', 10),
    databaseConnectTimeoutMs: int('DATABASE_CONNECT_TIMEOUT_MS', 15_000),
  };
}
